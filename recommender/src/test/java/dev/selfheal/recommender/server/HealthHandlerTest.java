package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.health.Heartbeat;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.runtime.http.HttpService;
import dev.selfheal.runtime.http.Route;
import dev.selfheal.runtime.http.Routes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * /health turns 503 when the request workers stop making progress, and back to 200 when they
 * recover.
 */
class HealthHandlerTest {

  @Test
  void reportsStalledWorkers() throws Exception {
    ExecutorService workers = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    HttpService server = null;
    try (Heartbeat heartbeat =
        new Heartbeat(
            workers, Duration.ofMillis(20), Duration.ofMillis(300), new PrometheusRegistry())) {
      // The probe answers on the HTTP layer's event loop, so it reports the wedged workers
      // instead of waiting behind them.
      server =
          HttpService.builder()
              .port(0, "PORT")
              .routes(Routes.of(Route.get("/health", new HealthHandler(heartbeat))))
              .start();
      heartbeat.start();
      HttpProbe http = new HttpProbe(server.port());
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 200);

      workers.execute(
          () -> {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 503);
      HttpProbe.Reply stalled = http.get("/health");
      assertThat(stalled.body().get("status").asText()).isEqualTo("stalled");
      assertThat(stalled.body().at("/workers/ok").asBoolean()).isFalse();
      assertThat(stalled.body().at("/workers/heartbeatAgeSeconds").asDouble()).isGreaterThan(0.3);

      release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 200);
    } finally {
      release.countDown();
      if (server != null) {
        server.close();
      }
      workers.shutdownNow();
    }
  }
}
