package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.health.Probes;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.TestApi;
import dev.selfheal.recommender.testing.Wedge;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.health.WorkerHeartbeat;
import dev.selfheal.runtime.http.HttpService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The probes over the production routes: /health turns 503 when the request workers stop making
 * progress, and back to 200 when they recover; /ready and /startup keep their body fields.
 */
class ProbeEndpointsTest {

  @Test
  void reportsStalledWorkers() {
    ExecutorService workers = Executors.newSingleThreadExecutor();
    Progress progress = Probes.workerProgress(Duration.ofMillis(300), new PrometheusRegistry());
    HttpService server = null;
    try (WorkerHeartbeat heartbeat =
        new WorkerHeartbeat(workers, Duration.ofMillis(20), progress, "test-heartbeat")) {
      // The probe answers on the HTTP layer's event loop, so it reports the wedged workers
      // instead of waiting behind them.
      server =
          HttpService.builder()
              .port(0, "PORT")
              .routes(HttpApi.routes(TestApi.dependencies(progress, workers)))
              .start();
      heartbeat.start();
      HttpProbe http = new HttpProbe(server.port());
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 200);

      Wedge wedge = Wedge.of(workers);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 503);
        HttpProbe.Reply stalled = http.get("/health");
        assertThat(stalled.body().get("status").asText()).isEqualTo("stalled");
        assertThat(stalled.body().at("/workers/ok").asBoolean()).isFalse();
        assertThat(stalled.body().at("/workers/heartbeatAgeSeconds").asDouble()).isGreaterThan(0.3);
      } finally {
        wedge.release();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/health").status() == 200);
    } finally {
      if (server != null) {
        server.close();
      }
      workers.shutdownNow();
    }
  }

  @Test
  void readyAndStartupExplainWhyTheyFailBeforeTheEmbeddingsLoad() {
    ExecutorService workers = Executors.newSingleThreadExecutor();
    Progress progress = Probes.workerProgress(Duration.ofSeconds(30), new PrometheusRegistry());
    HttpService server =
        HttpService.builder()
            .port(0, "PORT")
            .routes(HttpApi.routes(TestApi.dependencies(progress, workers)))
            .start();
    try {
      HttpProbe http = new HttpProbe(server.port());
      HttpProbe.Reply ready = http.get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.body().get("status").asText()).isEqualTo("not_ready");
      assertThat(ready.body().at("/embeddings/ok").asBoolean()).isFalse();
      assertThat(ready.body().at("/embeddings/detail/phase").asText()).isEqualTo("STARTING");
      assertThat(ready.body().at("/draining/ok").asBoolean()).isTrue();
      assertThat(ready.body().at("/draining/detail").asText()).isEqualTo("serving");
      assertThat(ready.body().at("/profileApi/circuit").asText()).isEqualTo("closed");
      assertThat(ready.body().at("/profileApi/affectsReadiness").asBoolean()).isFalse();
      assertThat(ready.body().at("/profileApi/note").asText())
          .isEqualTo("answers are personalised");
      assertThat(ready.body().at("/redis/affectsReadiness").asBoolean()).isFalse();
      assertThat(ready.body().get("redis").has("circuit")).isFalse();
      HttpProbe.Reply startup = http.get("/startup");
      assertThat(startup.status()).isEqualTo(503);
      assertThat(startup.body().get("status").asText()).isEqualTo("starting");
      assertThat(startup.body().at("/embeddings/phase").asText()).isEqualTo("STARTING");
      HttpProbe.Reply health = http.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body().get("status").asText()).isEqualTo("ok");
      assertThat(health.body().at("/workers/thresholdSeconds").asLong()).isEqualTo(30);
      assertThat(health.body().at("/notChecked/profile-api").asText()).contains("circuit breaker");
    } finally {
      server.close();
      workers.shutdownNow();
    }
  }
}
