package dev.selfheal.rollback.observe;

import dev.selfheal.rollback.decide.Overrides;
import dev.selfheal.rollback.decide.RolloutTimes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Pure detection of a failed rollout from a Deployment, its current ReplicaSet and that
 * ReplicaSet's pods. Three signals: the Deployment controller's {@code ProgressDeadlineExceeded}
 * condition (the primary signal); a container of the new revision crash-looping; half the new
 * revision's pods that have run but stayed unready for too long. Pod signals only count within the
 * rollout window after the rollout's last step (see {@link RolloutTimes}), so a long-running
 * healthy revision is never rolled back for a transient outage, and a re-used ReplicaSet gets a new
 * window when it becomes current again.
 */
public final class RolloutHealth {

  /** Failure reason label for the progress-deadline condition. */
  public static final String PROGRESS_DEADLINE = "ProgressDeadlineExceeded";

  /** Failure reason label for crash-looping containers. */
  public static final String CRASH_LOOP = "CrashLoopBackOff";

  /** Failure reason label for pods that stay unready. */
  public static final String UNREADY = "PodsUnready";

  // The Deployment controller's message: ReplicaSet "name" has timed out progressing.
  /** The API server's default {@code progressDeadlineSeconds}. */
  private static final int DEFAULT_PROGRESS_DEADLINE = 600;

  private static final Pattern RS_IN_MESSAGE = Pattern.compile("ReplicaSet \"([^\"]+)\"");

  private final int crashLoopRestarts;
  private final Duration unreadyAfter;
  private final Duration rolloutWindow;

  /**
   * Creates a detector.
   *
   * @param crashLoopRestarts restart count at which a container counts as crash-looping
   * @param unreadyAfter how long a pod may stay unready (never less than the Deployment's
   *     progressDeadlineSeconds)
   * @param rolloutWindow how long after the rollout's last step the new revision's pods are judged
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
    Instant lastStep = RolloutTimes.lastRolloutStep(deployment, current);
    if (lastStep != null
        && now.isAfter(lastStep.plus(Overrides.rolloutWindow(deployment, rolloutWindow)))) {
      return Optional.empty();
    }
    String rsName = current.getMetadata().getName();
    List<Pod> live =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null)
            .toList();
    for (Pod pod : live) {
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
                    + pod.getMetadata().getName()
                    + " restarted "
                    + looping.get().getRestartCount()
                    + " times"));
      }
    }
    return unready(deployment, rsName, live, now);
  }

  /**
   * The pod-unready rule: at least half the new revision's pods (and at least one) have run and
   * stayed unready for {@code UNREADY_SECONDS}, and never less than the Deployment's own {@code
   * progressDeadlineSeconds}. Pods not yet scheduled and pods whose containers are still being
   * created are not judged: they have not run the release.
   */
  private Optional<Failure> unready(
      Deployment deployment, String rsName, List<Pod> live, Instant now) {
    Duration limit = unreadyLimit(deployment);
    List<String> unready = new ArrayList<>();
    Instant since = null;
    for (Pod pod : live) {
      if (!PodStates.scheduled(pod) || PodStates.stillStarting(pod)) {
        continue;
      }
      Instant t = PodStates.unreadySince(pod);
      if (t != null && !now.isBefore(t.plus(limit))) {
        unready.add(pod.getMetadata().getName());
        since = since == null || t.isBefore(since) ? t : since;
      }
    }
    int needed = Math.max(1, (live.size() + 1) / 2);
    if (unready.isEmpty() || unready.size() < needed) {
      return Optional.empty();
    }
    return Optional.of(
        new Failure(
            UNREADY,
            rsName,
            unready.size()
                + " of "
                + live.size()
                + " pods unready for "
                + limit.toSeconds()
                + " s or more (since "
                + since
                + "): "
                + String.join(", ", unready)));
  }

  /** UNREADY_SECONDS, raised to the Deployment's progressDeadlineSeconds (default 600). */
  Duration unreadyLimit(Deployment deployment) {
    Integer seconds =
        deployment.getSpec() == null ? null : deployment.getSpec().getProgressDeadlineSeconds();
    Duration deadline = Duration.ofSeconds(seconds == null ? DEFAULT_PROGRESS_DEADLINE : seconds);
    return deadline.compareTo(unreadyAfter) > 0 ? deadline : unreadyAfter;
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
}
