package dev.selfheal.recommender.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.testing.Wedge;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.health.WorkerHeartbeat;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The worker heartbeat behind liveness, its strict threshold, and the lifecycle flag. */
class ProbesTest {

  @Test
  void staysHealthyWhileWorkersRunAndStallsWhenTheyAreStuck() {
    ExecutorService workers = Executors.newSingleThreadExecutor();
    Progress progress = Probes.workerProgress(Duration.ofMillis(300), new PrometheusRegistry());
    try (WorkerHeartbeat heartbeat =
        new WorkerHeartbeat(workers, Duration.ofMillis(20), progress, "test-heartbeat")) {
      heartbeat.start();
      await()
          .during(Duration.ofMillis(400))
          .atMost(Duration.ofSeconds(2))
          .until(() -> Probes.workersHealthy(progress));
      // Wedge the only worker: the beat can no longer run.
      Wedge wedge = Wedge.of(workers);
      try {
        await().atMost(Duration.ofSeconds(3)).until(() -> !Probes.workersHealthy(progress));
        assertThat(progress.age()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      } finally {
        wedge.release();
      }
      await().atMost(Duration.ofSeconds(3)).until(() -> Probes.workersHealthy(progress));
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void workersStallOnceTheAgeReachesTheThreshold() {
    // Strict, unlike the runtime's Progress.check(), which still passes at its limit.
    assertThat(Probes.beforeThreshold(Duration.ofMillis(299), Duration.ofMillis(300))).isTrue();
    assertThat(Probes.beforeThreshold(Duration.ofMillis(300), Duration.ofMillis(300))).isFalse();
    assertThat(Probes.beforeThreshold(Duration.ofMillis(301), Duration.ofMillis(300))).isFalse();
  }

  @Test
  void lifecycleStartsServingAndDrainsOnce() {
    Lifecycle lifecycle = new Lifecycle();
    assertThat(lifecycle.isDraining()).isFalse();
    lifecycle.startDraining();
    assertThat(lifecycle.isDraining()).isTrue();
  }
}
