package dev.selfheal.rollback.act;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code kubectl rollout undo} writes into a Deployment's annotations (kubectl's {@code
 * polymorphichelpers/rollback.go}, restated): the whole map is replaced; a short list of keys keeps
 * the Deployment's own value, every other key comes from the target ReplicaSet. So the restored
 * revision's {@code kubernetes.io/change-cause} comes back, and annotations that only the
 * Deployment had are dropped.
 */
public final class KubectlUndo {

  /** Keys kubectl keeps from the Deployment and never copies from the ReplicaSet. */
  public static final Set<String> KEPT_FROM_DEPLOYMENT =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          "deployment.kubernetes.io/revision",
          "deployment.kubernetes.io/revision-history",
          "deployment.kubernetes.io/desired-replicas",
          "deployment.kubernetes.io/max-replicas",
          "deprecated.deployment.rollback.to");

  private KubectlUndo() {}

  /**
   * The Deployment's annotations after an undo to a ReplicaSet.
   *
   * @param deployment the Deployment's annotations now (may be null)
   * @param target the target ReplicaSet's annotations (may be null)
   * @return the new annotation map, sorted by key
   */
  public static Map<String, String> annotations(
      Map<String, String> deployment, Map<String, String> target) {
    Map<String, String> result = new TreeMap<>();
    if (deployment != null) {
      deployment.forEach(
          (key, value) -> {
            if (KEPT_FROM_DEPLOYMENT.contains(key)) {
              result.put(key, value);
            }
          });
    }
    if (target != null) {
      target.forEach(
          (key, value) -> {
            if (!KEPT_FROM_DEPLOYMENT.contains(key)) {
              result.put(key, value);
            }
          });
    }
    return result;
  }
}
