package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.OipWire;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 release with its real artifact and a short stall delay: accuracy is low from the first
 * self-evaluation, then the latent fault stops progress, liveness and readiness fail and {@code
 * /metrics} keeps answering.
 */
class LatentStallTest {
  @TempDir Path dir;

  private static final String V2 = "{version=\"v2.0\"}";

  /** The real v2, its latent stall 2 s after start, a heartbeat every 100 ms, and {@code env}. */
  private TestServer startV2StallingAfterTwoSeconds(Map<String, String> env) throws Exception {
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "MODEL_VERSION", "v2.0",
                "FAULT_STALL_AFTER_SECONDS", "2",
                "HEARTBEAT_INTERVAL_MS", "100"));
    all.putAll(env);
    return TestServer.start(all, TestServer::realModel, dir);
  }

  @Test
  void v2IsInaccurateFromTheStartAndStallsAfterTheConfiguredDelay() throws Exception {
    try (TestServer server =
        startV2StallingAfterTwoSeconds(Map.of("LIVENESS_TIMEOUT_SECONDS", "0.5"))) {
      assertThat(server.get("/ready").statusCode()).isEqualTo(200);
      assertThat(server.metric("model_accuracy" + V2)).isLessThan(0.90);
      assertThat(server.metric("model_degraded" + V2)).isEqualTo(1);
      assertThat(
              TestServer.json(server.postJson("/predict", TestServer.VALID_BODY))
                  .get("version")
                  .asText())
          .isEqualTo("v2.0");

      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(() -> assertThat(server.get("/health").statusCode()).isEqualTo(503));
      HttpResponse<String> health = server.get("/health");
      JsonNode body = TestServer.json(health);
      assertThat(body.get("status").asText()).isEqualTo("dead");
      assertThat(body.at("/checks/0/reason").asText()).contains("inference is stuck");
      assertThat(server.get("/ready").statusCode()).isEqualTo(503);
      assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(503);
      HttpResponse<String> metrics = server.get("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("model_accuracy" + V2);
    }
  }

  @Test
  void onceDeclaredStuckNewAndQueuedRequestsFailFastWithModelStuck() throws Exception {
    try (TestServer server =
        startV2StallingAfterTwoSeconds(
            Map.of(
                "LIVENESS_TIMEOUT_SECONDS", "1",
                "PREDICT_THREADS", "1",
                "PREDICT_QUEUE_CAPACITY", "4"))) {
      // Keep sending until the watchdog declares the stall: the ones that arrive after the stall
      // and before the verdict park on the worker or wait in the queue.
      List<CompletableFuture<HttpResponse<String>>> early = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                early.add(server.postAsync("/predict", TestServer.VALID_BODY));
                return server.get("/health").statusCode() == 503;
              });

      long started = System.nanoTime();
      HttpResponse<String> predict = server.postJson("/predict", TestServer.VALID_BODY);
      HttpResponse<String> infer =
          server.post(
              "/v2/models/fraud-detector/infer",
              null,
              new String(
                      OipWire.fixture("tritonclient-infer-json.http"), StandardCharsets.ISO_8859_1)
                  .split("\r\n\r\n", 2)[1]);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      for (HttpResponse<String> response : List.of(predict, infer)) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode body = TestServer.json(response);
        assertThat(body.get("code").asText()).isEqualTo("model_stuck");
        assertThat(body.get("error").asText()).contains("stuck");
      }

      // Requests queued before the verdict, and the one parked on the single worker thread, were
      // answered the same way, not left waiting.
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(early.stream().filter(f -> !f.isDone()).count()).isZero());
      List<String> codes = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> future : early) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
          HttpResponse<String> response = future.get();
          codes.add(
              response.statusCode() == 200 ? "ok" : TestServer.json(response).get("code").asText());
        }
      }
      assertThat(codes).contains("ok", "model_stuck").doesNotContain("internal_error");
    }
  }

  @Test
  void v1HasNoStallByDefault() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of("HEARTBEAT_INTERVAL_MS", "50", "LIVENESS_TIMEOUT_SECONDS", "0.2"),
            TestServer::realModel,
            dir)) {
      // Over many heartbeat periods liveness keeps passing because the canary keeps completing.
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> server.get("/health").statusCode() == 200);
      assertThat(server.metric("model_accuracy{version=\"v1.0\"}")).isGreaterThanOrEqualTo(0.93);
    }
  }
}
