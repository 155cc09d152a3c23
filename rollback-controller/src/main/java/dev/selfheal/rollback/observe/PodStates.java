package dev.selfheal.rollback.observe;

import dev.selfheal.rollback.decide.RolloutTimes;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a pod is going through, as the kubelet and the scheduler report it. A pod that is not yet
 * scheduled, or whose containers are still being created (image pull, volume mounts, init
 * containers), says nothing about the release: it has not run it yet.
 */
final class PodStates {

  /** Waiting reasons of a container that has not been started yet but is on its way. */
  private static final Set<String> STARTING = Set.of("ContainerCreating", "PodInitializing");

  private PodStates() {}

  /** True once the scheduler placed the pod on a node. */
  static boolean scheduled(Pod pod) {
    PodCondition c = condition(pod, "PodScheduled");
    if (c != null) {
      return "True".equals(c.getStatus());
    }
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node != null && !node.isEmpty();
  }

  /**
   * True while no container of the pod has started and each is still being created (waiting with
   * {@code ContainerCreating} or {@code PodInitializing}, or not reported yet). A container that
   * waits for another reason ({@code ImagePullBackOff}, {@code CreateContainerConfigError}...) is
   * not on its way: the release cannot start.
   */
  static boolean stillStarting(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null || statuses.isEmpty()) {
      return true;
    }
    for (ContainerStatus cs : statuses) {
      if (started(cs)) {
        return false;
      }
      ContainerState state = cs.getState();
      String waiting =
          state == null || state.getWaiting() == null ? null : state.getWaiting().getReason();
      if (waiting != null && !STARTING.contains(waiting)) {
        return false;
      }
    }
    return true;
  }

  private static boolean started(ContainerStatus cs) {
    if (Boolean.TRUE.equals(cs.getStarted())
        || (cs.getRestartCount() != null && cs.getRestartCount() > 0)) {
      return true;
    }
    ContainerState state = cs.getState();
    ContainerState last = cs.getLastState();
    return (state != null && (state.getRunning() != null || state.getTerminated() != null))
        || (last != null && last.getTerminated() != null);
  }

  /**
   * Since when the pod has run the release and been unready: the later of its {@code Ready}
   * condition's last transition and the start of its containers (the last to start, as reported by
   * their running state), so time spent pulling an image or waiting for a node does not count; else
   * its start, else its creation. Null when it is ready.
   */
  static Instant unreadySince(Pod pod) {
    PodCondition ready = condition(pod, "Ready");
    Instant since = null;
    if (ready != null) {
      if ("True".equals(ready.getStatus())) {
        return null;
      }
      since = RolloutTimes.parse(ready.getLastTransitionTime());
    }
    if (since == null) {
      since = RolloutTimes.parse(pod.getStatus().getStartTime());
    }
    if (since == null) {
      since = RolloutTimes.parse(pod.getMetadata().getCreationTimestamp());
    }
    Instant started = containersStarted(pod);
    return started != null && (since == null || started.isAfter(since)) ? started : since;
  }

  /** When the last of the pod's running containers started, or null when none reports it. */
  private static Instant containersStarted(Pod pod) {
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    Instant latest = null;
    if (statuses != null) {
      for (ContainerStatus cs : statuses) {
        ContainerState state = cs.getState();
        Instant t =
            state == null || state.getRunning() == null
                ? null
                : RolloutTimes.parse(state.getRunning().getStartedAt());
        if (t != null && (latest == null || t.isAfter(latest))) {
          latest = t;
        }
      }
    }
    return latest;
  }

  private static PodCondition condition(Pod pod, String type) {
    List<PodCondition> conditions = pod.getStatus().getConditions();
    if (conditions != null) {
      for (PodCondition c : conditions) {
        if (type.equals(c.getType())) {
          return c;
        }
      }
    }
    return null;
  }
}
