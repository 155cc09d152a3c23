package dev.selfheal.rollback.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pod-unready rule, one row per thing a new revision's pods really go through: what the
 * scheduler and the kubelet report (Pending and Unschedulable, ContainerCreating during a slow
 * image pull, init containers, running but unready), how many of the pods, and for how long. {@code
 * UNREADY_SECONDS} is 180 and the window 900 s in every row; the Deployment's own {@code
 * progressDeadlineSeconds} varies.
 */
class PodUnreadyRuleTest {

  private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  private final RolloutHealth health =
      new RolloutHealth(3, Duration.ofSeconds(180), Duration.ofSeconds(900));

  /** A kind of pod of the new revision, created {@code age} before NOW. */
  private interface Kind extends BiFunction<ReplicaSet, String, Pod> {}

  private static Arguments row(
      String name, Integer deadline, int ageSeconds, List<Kind> pods, boolean fails) {
    return Arguments.of(name, deadline, ageSeconds, pods, fails);
  }

  private static final Kind READY = (rs, n) -> Fixtures.pod(rs, n, 0);

  private static final Kind RUNNING_UNREADY =
      (rs, n) -> {
        Pod p = Fixtures.pod(rs, n, 0);
        p.getStatus().getConditions().get(1).setStatus("False");
        p.getStatus().getContainerStatuses().get(0).setReady(false);
        return p;
      };

  private static final Kind UNSCHEDULABLE =
      (rs, n) -> {
        Pod p = Fixtures.pod(rs, n, 0);
        p.getSpec().setNodeName(null);
        p.getStatus().setPhase("Pending");
        p.getStatus().setStartTime(null);
        p.getStatus().setContainerStatuses(null);
        p.getStatus()
            .setConditions(
                new ArrayList<>(
                    List.of(
                        new PodConditionBuilder()
                            .withType("PodScheduled")
                            .withStatus("False")
                            .withReason("Unschedulable")
                            .withMessage("0/1 nodes are available: 1 Insufficient memory.")
                            .withLastTransitionTime(p.getMetadata().getCreationTimestamp())
                            .build())));
        return p;
      };

  /** Running and unready, its container started {@code pulled} seconds after the pod's creation. */
  private static Kind startedAfter(int pulled) {
    return (rs, n) -> {
      Pod p = RUNNING_UNREADY.apply(rs, n);
      Instant created = Instant.parse(p.getMetadata().getCreationTimestamp());
      p.getStatus()
          .getContainerStatuses()
          .get(0)
          .getState()
          .getRunning()
          .setStartedAt(created.plusSeconds(pulled).toString());
      return p;
    };
  }

  private static Kind waiting(String reason) {
    return (rs, n) -> {
      Pod p = RUNNING_UNREADY.apply(rs, n);
      p.getStatus().setPhase("Pending");
      p.getStatus()
          .setContainerStatuses(
              List.of(
                  new ContainerStatusBuilder()
                      .withName(Fixtures.NAME)
                      .withReady(false)
                      .withStarted(false)
                      .withRestartCount(0)
                      .withNewState()
                      .withNewWaiting()
                      .withReason(reason)
                      .endWaiting()
                      .endState()
                      .build()));
      return p;
    };
  }

  static Stream<Arguments> rows() {
    Kind creating = waiting("ContainerCreating");
    Kind initializing = waiting("PodInitializing");
    Kind pullBackOff = waiting("ImagePullBackOff");
    return Stream.of(
        row("Unschedulable pod at 200 s", 120, 200, List.of(UNSCHEDULABLE), false),
        row("Unschedulable pod at 800 s", 120, 800, List.of(UNSCHEDULABLE), false),
        row("ContainerCreating (slow image pull) at 200 s", 120, 200, List.of(creating), false),
        row("ContainerCreating at 800 s", 120, 800, List.of(creating), false),
        row("PodInitializing (init containers) at 200 s", 120, 200, List.of(initializing), false),
        row(
            "one unready pod out of three at 200 s",
            120,
            200,
            List.of(RUNNING_UNREADY, READY, READY),
            false),
        row(
            "two unready pods out of three at 200 s",
            120,
            200,
            List.of(RUNNING_UNREADY, RUNNING_UNREADY, READY),
            true),
        row(
            "two pods still pulling and one running-unready: one of three is not half",
            120,
            200,
            List.of(RUNNING_UNREADY, creating, creating),
            false),
        row("running-but-unready below UNREADY_SECONDS", 120, 179, List.of(RUNNING_UNREADY), false),
        row(
            "a 150 s image pull, then running-unready for 50 s: the pull does not count",
            120,
            200,
            List.of(startedAfter(150)),
            false),
        row(
            "a 150 s image pull, then running-unready for 180 s",
            120,
            330,
            List.of(startedAfter(150)),
            true),
        row("running-but-unready past both limits", 120, 200, List.of(RUNNING_UNREADY), true),
        row(
            "running-but-unready at 200 s, before the default progressDeadlineSeconds (600)",
            null,
            200,
            List.of(RUNNING_UNREADY),
            false),
        row(
            "running-but-unready past the default progressDeadlineSeconds",
            null,
            600,
            List.of(RUNNING_UNREADY),
            true),
        row(
            "running-but-unready before a progressDeadlineSeconds of 300",
            300,
            299,
            List.of(RUNNING_UNREADY),
            false),
        row(
            "running-but-unready at a progressDeadlineSeconds of 300",
            300,
            300,
            List.of(RUNNING_UNREADY),
            true),
        row(
            "ImagePullBackOff past the deadline: the release cannot start",
            120,
            200,
            List.of(pullBackOff),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void unreadyRule(String name, Integer deadline, int ageSeconds, List<Kind> kinds, boolean fails) {
    Instant created = NOW.minusSeconds(ageSeconds);
    Deployment deployment = Fixtures.deployment("v2", true);
    deployment.getSpec().setProgressDeadlineSeconds(deadline);
    ReplicaSet v2 = Fixtures.replicaSet("v2", 2, created);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      pods.add(kinds.get(i).apply(v2, "p" + i));
    }

    var failure = health.assess(deployment, v2, pods, NOW);

    if (fails) {
      assertThat(failure)
          .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(RolloutHealth.UNREADY));
    } else {
      assertThat(failure).as(name).isEmpty();
    }
  }
}
