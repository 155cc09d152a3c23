package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.recommender.health.Heartbeat;
import dev.selfheal.recommender.testing.HttpProbe;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
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
    ExecutorService serving = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    try (Heartbeat heartbeat =
        new Heartbeat(
            workers, Duration.ofMillis(20), Duration.ofMillis(300), new PrometheusRegistry())) {
      server.createContext("/health", new HealthHandler(new ObjectMapper(), heartbeat));
      // Served by a separate thread here so the probe can answer while the workers are wedged; in
      // the app a
      // fully wedged pool makes the probe time out, which the kubelet counts as a failure too.
      server.setExecutor(serving);
      server.start();
      heartbeat.start();
      HttpProbe http = new HttpProbe(server.getAddress().getPort());
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
      server.stop(0);
      serving.shutdownNow();
      workers.shutdownNow();
    }
  }
}
