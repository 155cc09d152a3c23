package dev.selfheal.recommender.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  @Test
  void staysHealthyWhileWorkersRunAndStallsWhenTheyAreStuck() throws Exception {
    ExecutorService workers = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    try (Heartbeat heartbeat =
        new Heartbeat(
            workers, Duration.ofMillis(20), Duration.ofMillis(300), new PrometheusRegistry())) {
      heartbeat.start();
      await()
          .during(Duration.ofMillis(400))
          .atMost(Duration.ofSeconds(2))
          .until(heartbeat::isHealthy);
      // Wedge the only worker: the beat can no longer run.
      workers.execute(
          () -> {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      await().atMost(Duration.ofSeconds(3)).until(() -> !heartbeat.isHealthy());
      assertThat(heartbeat.age()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      release.countDown();
      await().atMost(Duration.ofSeconds(3)).until(heartbeat::isHealthy);
    } finally {
      release.countDown();
      workers.shutdownNow();
    }
  }

  @Test
  void lifecycleStartsServingAndDrainsOnce() {
    Lifecycle lifecycle = new Lifecycle();
    assertThat(lifecycle.isDraining()).isFalse();
    lifecycle.startDraining();
    assertThat(lifecycle.isDraining()).isTrue();
  }
}
