package dev.selfheal.rollback.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pure detection of a failed rollout from a Deployment, its current ReplicaSet and that
 * ReplicaSet's pods. Three signals: the Deployment controller's {@code ProgressDeadlineExceeded}
 * condition; a container of the new revision crash-looping; a pod of the new revision unready for
 * too long. Pod signals only count within the rollout window after the ReplicaSet was created, so a
 * long-running healthy revision is never rolled back for a transient outage.
 */
public final class RolloutHealth {

  /** Failure reason label for the progress-deadline condition. */
  public static final String PROGRESS_DEADLINE = "ProgressDeadlineExceeded";

  /** Failure reason label for crash-looping containers. */
  public static final String CRASH_LOOP = "CrashLoopBackOff";

  /** Failure reason label for pods that stay unready. */
  public static final String UNREADY = "PodsUnready";

  // The Deployment controller's message: ReplicaSet "name" has timed out progressing.
  private static final Pattern RS_IN_MESSAGE = Pattern.compile("ReplicaSet \"([^\"]+)\"");

  private final int crashLoopRestarts;
  private final Duration unreadyAfter;
  private final Duration rolloutWindow;

  /**
   * Creates a detector.
   *
   * @param crashLoopRestarts restart count at which a container counts as crash-looping
   * @param unreadyAfter how long a pod may stay unready
   * @param rolloutWindow how long after its creation a ReplicaSet's pods are judged
   */
  public RolloutHealth(int crashLoopRestarts, Duration unreadyAfter, Duration rolloutWindow) {
    this.crashLoopRestarts = crashLoopRestarts;
    this.unreadyAfter = Objects.requireNonNull(unreadyAfter);
    this.rolloutWindow = Objects.requireNonNull(rolloutWindow);
  }

  /**
   * A detected failure.
   *
   * @param reason one of the reason constants
   * @param replicaSet the ReplicaSet that failed
   * @param detail explanation
   */
  public record Failure(String reason, String replicaSet, String detail) {}

  /**
   * Looks for a failed rollout.
   *
   * @param deployment the Deployment
   * @param current its current ReplicaSet (template matches), or null
   * @param pods pods controlled by {@code current}
   * @param now current time
   * @return the failure, or empty
   */
  public Optional<Failure> assess(
      Deployment deployment, ReplicaSet current, List<Pod> pods, Instant now) {
    Long generation = deployment.getMetadata().getGeneration();
    Long observed =
        deployment.getStatus() == null ? null : deployment.getStatus().getObservedGeneration();
    if (generation != null && observed != null && observed < generation) {
      return Optional.empty(); // status describes an older spec; wait for the controller
    }
    Optional<Failure> deadline = progressDeadline(deployment, current);
    if (deadline.isPresent() || current == null) {
      return deadline;
    }
    Instant created = parse(current.getMetadata().getCreationTimestamp());
    if (created != null && now.isAfter(created.plus(rolloutWindow))) {
      return Optional.empty();
    }
    String rsName = current.getMetadata().getName();
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
        continue;
      }
      String podName = pod.getMetadata().getName();
      Optional<ContainerStatus> looping =
          statuses(pod)
              .filter(
                  cs ->
                      (cs.getRestartCount() != null && cs.getRestartCount() >= crashLoopRestarts)
                          || (cs.getState() != null
                              && cs.getState().getWaiting() != null
                              && CRASH_LOOP.equals(cs.getState().getWaiting().getReason())))
              .findFirst();
      if (looping.isPresent()) {
        return Optional.of(
            new Failure(
                CRASH_LOOP,
                rsName,
                "container "
                    + looping.get().getName()
                    + " of pod "
                    + podName
                    + " restarted "
                    + looping.get().getRestartCount()
                    + " times"));
      }
      Instant unreadySince = unreadySince(pod);
      if (unreadySince != null && !now.isBefore(unreadySince.plus(unreadyAfter))) {
        return Optional.of(
            new Failure(UNREADY, rsName, "pod " + podName + " unready since " + unreadySince));
      }
    }
    return Optional.empty();
  }

  private static Optional<Failure> progressDeadline(Deployment deployment, ReplicaSet current) {
    if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (DeploymentCondition c : deployment.getStatus().getConditions()) {
      if ("Progressing".equals(c.getType())
          && "False".equals(c.getStatus())
          && PROGRESS_DEADLINE.equals(c.getReason())) {
        String rs = null;
        if (c.getMessage() != null) {
          Matcher m = RS_IN_MESSAGE.matcher(c.getMessage());
          rs = m.find() ? m.group(1) : null;
        }
        if (rs == null && current != null) {
          rs = current.getMetadata().getName();
        }
        return Optional.of(
            new Failure(
                PROGRESS_DEADLINE, rs, Objects.toString(c.getMessage(), PROGRESS_DEADLINE)));
      }
    }
    return Optional.empty();
  }

  private static Stream<ContainerStatus> statuses(Pod pod) {
    Stream<ContainerStatus> main =
        pod.getStatus().getContainerStatuses() == null
            ? Stream.empty()
            : pod.getStatus().getContainerStatuses().stream();
    Stream<ContainerStatus> init =
        pod.getStatus().getInitContainerStatuses() == null
            ? Stream.empty()
            : pod.getStatus().getInitContainerStatuses().stream();
    return Stream.concat(main, init);
  }

  /** When the pod became unready, or null when it is ready. */
  private static Instant unreadySince(Pod pod) {
    List<PodCondition> conditions = pod.getStatus().getConditions();
    if (conditions != null) {
      for (PodCondition c : conditions) {
        if ("Ready".equals(c.getType())) {
          if ("True".equals(c.getStatus())) {
            return null;
          }
          Instant t = parse(c.getLastTransitionTime());
          if (t != null) {
            return t;
          }
        }
      }
    }
    return parse(pod.getMetadata().getCreationTimestamp());
  }

  static Instant parse(String timestamp) {
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
