package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.Objects;

/**
 * Why the controller is looking at a Deployment.
 *
 * @param kind where the signal came from
 * @param reason alert name for {@link Kind#ALERT}, failure reason for {@link Kind#ROLLOUT_FAILED}
 * @param namespace namespace of the Deployment
 * @param deployment Deployment name
 * @param replicaSet the ReplicaSet the signal is about (the alerting pod's owner, or the ReplicaSet
 *     named by the failed rollout), or null when the signal names only the Deployment
 * @param templateHash the {@code pod-template-hash} of the revision the signal is about (the
 *     alert's {@code pod_template_hash} label, which survives the pod's deletion), or null
 * @param startsAt when the alert started firing, or null
 * @param firing false for a resolved alert
 */
public record Trigger(
    Kind kind,
    String reason,
    String namespace,
    String deployment,
    String replicaSet,
    String templateHash,
    Instant startsAt,
    boolean firing) {

  /** Source of a trigger. */
  public enum Kind {
    /** An Alertmanager webhook notification. */
    ALERT("alert", "alert "),
    /** The watch saw a failed rollout. */
    ROLLOUT_FAILED("rollout", "failed rollout ");

    private final String label;
    private final String prefix;

    Kind(String label, String prefix) {
      this.label = label;
      this.prefix = prefix;
    }

    /**
     * The {@code trigger} label of metrics and the {@code trigger} field of rollback records:
     * {@code alert} or {@code rollout}.
     */
    public String label() {
      return label;
    }
  }

  /** Checks the mandatory parts. */
  public Trigger {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(deployment, "deployment");
  }

  /**
   * A firing or resolved alert naming a Deployment and, through its pod, a ReplicaSet; {@link
   * #withTemplateHash} adds the revision's template hash.
   */
  public static Trigger alert(
      String alertName,
      String namespace,
      String deployment,
      String replicaSet,
      Instant startsAt,
      boolean firing) {
    return new Trigger(
        Kind.ALERT, alertName, namespace, deployment, replicaSet, null, startsAt, firing);
  }

  /**
   * This trigger about the revision with {@code pod-template-hash} {@code hash} (the alert's {@code
   * pod_template_hash} label).
   *
   * @param hash the template hash, or null when the signal does not name one
   * @return a copy of this trigger with that hash
   */
  public Trigger withTemplateHash(String hash) {
    return new Trigger(kind, reason, namespace, deployment, replicaSet, hash, startsAt, firing);
  }

  /** A failed rollout seen by the watch. */
  public static Trigger rolloutFailed(
      String reason, String namespace, String deployment, String replicaSet) {
    return new Trigger(
        Kind.ROLLOUT_FAILED, reason, namespace, deployment, replicaSet, null, null, true);
  }

  /** Short description for logs and Events, e.g. {@code alert ModelAccuracyLow}. */
  public String describe() {
    return kind.prefix + reason;
  }
}
