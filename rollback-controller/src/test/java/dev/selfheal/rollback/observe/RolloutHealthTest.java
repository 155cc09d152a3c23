package dev.selfheal.rollback.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutHealthTest {

  private static final Instant CREATED = Instant.parse("2026-01-10T12:00:00Z");
  private static final Instant NOW = CREATED.plus(Duration.ofMinutes(5));
  private final RolloutHealth health =
      new RolloutHealth(3, Duration.ofSeconds(120), Duration.ofMinutes(15));
  private final Deployment deployment = Fixtures.deployment("v2", true);
  private final ReplicaSet v2 = Fixtures.replicaSet("v2", 2, CREATED);

  private static void deadline(Deployment d, String message) {
    d.setStatus(
        new DeploymentStatusBuilder()
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage(message)
                    .build())
            .build());
  }

  @Test
  void healthyPodsAreNoFailure() {
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 0)), NOW)).isEmpty();
  }

  @Test
  void progressDeadlineNamesTheReplicaSetFromTheMessage() {
    deadline(deployment, "ReplicaSet \"model-server-old\" has timed out progressing.");
    assertThat(health.assess(deployment, v2, List.of(), NOW))
        .hasValueSatisfying(
            f -> {
              assertThat(f.reason()).isEqualTo(RolloutHealth.PROGRESS_DEADLINE);
              assertThat(f.replicaSet()).isEqualTo("model-server-old");
            });
  }

  @Test
  void progressDeadlineWithoutNameFallsBackToCurrent() {
    deadline(deployment, "timed out");
    assertThat(health.assess(deployment, v2, List.of(), NOW))
        .hasValueSatisfying(f -> assertThat(f.replicaSet()).isEqualTo(Fixtures.RS_V2));
  }

  @Test
  void progressingTrueIsFine() {
    deadline(deployment, "x");
    deployment.getStatus().getConditions().get(0).setStatus("True");
    assertThat(health.assess(deployment, v2, List.of(), NOW)).isEmpty();
  }

  @Test
  void staleStatusIsNotJudged() {
    deadline(deployment, "x");
    deployment.getMetadata().setGeneration(3L);
    deployment.getStatus().setObservedGeneration(2L);
    assertThat(health.assess(deployment, v2, List.of(), NOW)).isEmpty();
  }

  @Test
  void restartsAtThresholdAreACrashLoop() {
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 2)), NOW)).isEmpty();
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 3)), NOW))
        .hasValueSatisfying(
            f -> {
              assertThat(f.reason()).isEqualTo(RolloutHealth.CRASH_LOOP);
              assertThat(f.replicaSet()).isEqualTo(Fixtures.RS_V2);
            });
  }

  @Test
  void crashLoopBackOffWaitingReasonCountsBeforeTheThreshold() {
    Pod pod = Fixtures.pod(v2, "a", 1);
    pod.getStatus()
        .getContainerStatuses()
        .get(0)
        .setState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .endWaiting()
                .build());
    assertThat(health.assess(deployment, v2, List.of(pod), NOW))
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(RolloutHealth.CRASH_LOOP));
  }

  @Test
  void unreadyLongerThanTheLimitIsAFailure() {
    deployment.getSpec().setProgressDeadlineSeconds(60);
    Pod pod = Fixtures.pod(v2, "a", 0);
    pod.getStatus().getConditions().get(1).setStatus("False");
    pod.getStatus().getConditions().get(1).setLastTransitionTime(NOW.minusSeconds(119).toString());
    assertThat(health.assess(deployment, v2, List.of(pod), NOW)).isEmpty();
    pod.getStatus().getConditions().get(1).setLastTransitionTime(NOW.minusSeconds(120).toString());
    assertThat(health.assess(deployment, v2, List.of(pod), NOW))
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(RolloutHealth.UNREADY));
  }

  @Test
  void terminatingPodsAreIgnored() {
    Pod pod = Fixtures.pod(v2, "a", 9);
    pod.getMetadata().setDeletionTimestamp(NOW.toString());
    assertThat(health.assess(deployment, v2, List.of(pod), NOW)).isEmpty();
  }

  @Test
  void podSignalsOutsideTheRolloutWindowDoNotCount() {
    Instant later = CREATED.plus(Duration.ofMinutes(16));
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 9)), later)).isEmpty();
  }

  @Test
  void reappliedOldReplicaSetGetsANewWindowFromFoundNewReplicaSet() {
    // Exercise 3's controller option: deployment-v2.yaml applied again 25 minutes after Exercise
    // 2 re-uses the v2 ReplicaSet created then.
    Instant later = CREATED.plus(Duration.ofMinutes(25));
    Pod looping = Fixtures.pod(v2, "a", 3);
    assertThat(health.assess(deployment, v2, List.of(looping), later)).isEmpty();
    Fixtures.progressing(deployment, "FoundNewReplicaSet", later.minusSeconds(90), Fixtures.RS_V2);
    assertThat(health.assess(deployment, v2, List.of(looping), later))
        .hasValueSatisfying(f -> assertThat(f.reason()).isEqualTo(RolloutHealth.CRASH_LOOP));
  }

  @Test
  void progressOfTheRolloutKeepsTheWindowOpen() {
    Instant later = CREATED.plus(Duration.ofMinutes(25));
    Fixtures.progressing(deployment, "ReplicaSetUpdated", later.minusSeconds(60), Fixtures.RS_V2);
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 3)), later)).isPresent();
  }

  @Test
  void aConditionAboutAnotherReplicaSetDoesNotOpenTheWindow() {
    Instant later = CREATED.plus(Duration.ofMinutes(25));
    Fixtures.progressing(deployment, "FoundNewReplicaSet", later.minusSeconds(60), Fixtures.RS_V1);
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 3)), later)).isEmpty();
  }

  @Test
  void longStableRevisionIsNotJudged() {
    Instant later = CREATED.plus(Duration.ofDays(30));
    Fixtures.progressing(
        deployment, "NewReplicaSetAvailable", CREATED.plusSeconds(60), Fixtures.RS_V2);
    assertThat(health.assess(deployment, v2, List.of(Fixtures.pod(v2, "a", 9)), later)).isEmpty();
  }

  @Test
  void noCurrentReplicaSetMeansNothingToJudge() {
    assertThat(health.assess(deployment, null, List.of(), NOW)).isEmpty();
  }
}
