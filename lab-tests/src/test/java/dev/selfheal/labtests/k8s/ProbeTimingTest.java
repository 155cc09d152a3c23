package dev.selfheal.labtests.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The probe and termination numbers fit together: what the v2 exercise should show happens in the
 * right order, a slow start is not mistaken for a failed rollout, and the drain is never cut short.
 * (The start-up budget against the server's measured start is {@link StartupBudgetIT}.)
 */
class ProbeTimingTest {

  @ParameterizedTest
  @ValueSource(strings = {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2})
  void unreadyPodsLeaveTheEndpointsBeforeLivenessRestartsThem(String file) {
    Container container = Manifests.container(Manifests.deployment(file));

    // Even the slowest readiness removal (2 x 5 s + 3 s timeout = 13 s) comes before the quickest
    // liveness kill
    // (2 more periods of 10 s after the first failure = 20 s): learners see 0/1 READY, then the
    // restart.
    assertThat(ProbeTiming.worstCaseDetection(container.getReadinessProbe()))
        .isLessThan(ProbeTiming.bestCaseDetection(container.getLivenessProbe()));
    assertThat(ProbeTiming.of(Manifests.deployment(file)).livenessKillAfterStall())
        .isEqualTo(Duration.ofSeconds(35));
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2})
  void terminationGraceCoversPreStopAndDrain(String file) {
    ProbeTiming timing = ProbeTiming.of(Manifests.deployment(file));

    // The kubelet's grace period starts with preStop; SIGTERM follows it, then the server drains.
    assertThat(timing.preStopSleep()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
    assertThat(timing.terminationGrace())
        .isGreaterThan(timing.preStopSleep().plus(timing.shutdownGrace()));
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2})
  void progressDeadlineOutlastsASlowButHealthyStart(String file) {
    ProbeTiming timing = ProbeTiming.of(Manifests.deployment(file));
    Container container = Manifests.container(Manifests.deployment(file));

    // A new pod that uses its whole start-up budget, then the first readiness period, then
    // minReadySeconds,
    // still counts as progress before the deadline.
    Duration slowestHealthyPod =
        timing
            .startupBudget()
            .plusSeconds(container.getReadinessProbe().getPeriodSeconds())
            .plus(timing.minReady());
    assertThat(timing.progressDeadline()).isGreaterThan(slowestHealthyPod);
  }

  @ParameterizedTest
  @ValueSource(strings = {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2})
  void startupProbeReleasesLivenessQuickly(String file) {
    Container container = Manifests.container(Manifests.deployment(file));

    // A short period: liveness and readiness take over seconds after the server is up, not a minute
    // later.
    assertThat(container.getStartupProbe().getPeriodSeconds()).isLessThanOrEqualTo(5);
    assertThat(container.getStartupProbe().getTimeoutSeconds())
        .isLessThanOrEqualTo(container.getStartupProbe().getPeriodSeconds());
  }
}
