package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the current revision of a Deployment became current, and when its rollout last moved, read
 * from the Deployment controller's {@code Progressing} condition. A ReplicaSet's creation time is
 * not enough: re-applying an old template (or {@code kubectl rollout undo}) re-uses an existing
 * ReplicaSet, maybe days old, and the Deployment controller then reports {@code FoundNewReplicaSet}
 * with the time it did so.
 *
 * <p>The condition's {@code lastUpdateTime} is used, not its {@code lastTransitionTime}: the
 * Deployment controller keeps the transition time while the status stays {@code True}, across
 * rollouts, so it can be weeks old when a new rollout begins.
 */
public final class RolloutTimes {

  /** Reasons the Deployment controller gives when a ReplicaSet becomes the new one. */
  private static final Set<String> BECAME_CURRENT =
      Set.of("NewReplicaSetCreated", "FoundNewReplicaSet");

  /** Reasons of a rollout under way or just finished: its last step is {@code lastUpdateTime}. */
  private static final Set<String> ROLLOUT_STEP =
      Set.of(
          "NewReplicaSetCreated",
          "FoundNewReplicaSet",
          "ReplicaSetUpdated",
          "NewReplicaSetAvailable",
          "ProgressDeadlineExceeded");

  /**
   * Reasons the Deployment controller also writes when the current revision only changes size: a
   * scale-up, or replacements for pods a drained node took, make progress ({@code
   * ReplicaSetUpdated}) or miss the deadline ({@code ProgressDeadlineExceeded}). They count as a
   * rollout step only while pods of an older template are still there ({@code status.replicas}
   * above {@code status.updatedReplicas}), as in a rollout and never in a scale.
   */
  private static final Set<String> ALSO_WHEN_SCALING =
      Set.of("ReplicaSetUpdated", "ProgressDeadlineExceeded");

  // The Deployment controller's messages name the ReplicaSet: Found new replica set "x",
  // ReplicaSet "x" is progressing, ReplicaSet "x" has successfully progressed, ...
  private static final Pattern RS_IN_MESSAGE = Pattern.compile("[Rr]eplica ?[Ss]et \"([^\"]+)\"");

  private RolloutTimes() {}

  /**
   * When {@code current} became the Deployment's current revision: the latest of its creation and
   * of a {@code NewReplicaSetCreated}/{@code FoundNewReplicaSet} condition about it.
   *
   * @param deployment the Deployment
   * @param current its current ReplicaSet
   * @return the time, or null when neither is known
   */
  public static Instant becameCurrent(Deployment deployment, ReplicaSet current) {
    return latest(created(current), conditionTime(deployment, current, BECAME_CURRENT));
  }

  /**
   * The last step of the rollout of {@code current}: the latest of {@link #becameCurrent} and the
   * {@code lastUpdateTime} of a {@code Progressing} condition about it (progress, completion, or
   * the deadline passing). The rollout window counts from here.
   *
   * @param deployment the Deployment
   * @param current its current ReplicaSet
   * @return the time, or null when nothing is known
   */
  public static Instant lastRolloutStep(Deployment deployment, ReplicaSet current) {
    return latest(
        becameCurrent(deployment, current), conditionTime(deployment, current, ROLLOUT_STEP));
  }

  private static Instant conditionTime(
      Deployment deployment, ReplicaSet current, Set<String> reasons) {
    if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
      return null;
    }
    Long generation = deployment.getMetadata().getGeneration();
    Long observed = deployment.getStatus().getObservedGeneration();
    if (generation != null && observed != null && observed < generation) {
      return null; // the status describes an older spec
    }
    for (DeploymentCondition c : deployment.getStatus().getConditions()) {
      if (!"Progressing".equals(c.getType()) || !reasons.contains(c.getReason())) {
        continue;
      }
      if (c.getMessage() != null) {
        Matcher m = RS_IN_MESSAGE.matcher(c.getMessage());
        if (m.find() && !m.group(1).equals(current.getMetadata().getName())) {
          return null; // about another ReplicaSet
        }
      }
      if (ALSO_WHEN_SCALING.contains(c.getReason()) && !olderPodsRemain(deployment)) {
        return null;
      }
      Instant update = parse(c.getLastUpdateTime());
      return update != null ? update : parse(c.getLastTransitionTime());
    }
    return null;
  }

  private static boolean olderPodsRemain(Deployment deployment) {
    Integer all = deployment.getStatus().getReplicas();
    Integer updated = deployment.getStatus().getUpdatedReplicas();
    return (all == null ? 0 : all) > (updated == null ? 0 : updated);
  }

  private static Instant created(ReplicaSet rs) {
    return parse(rs.getMetadata().getCreationTimestamp());
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  /**
   * Parses a Kubernetes timestamp.
   *
   * @param timestamp RFC 3339 text, or null
   * @return the instant, or null when absent or unreadable
   */
  public static Instant parse(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
