package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

  @Test
  void v2IsInaccurateFromTheStartAndStallsAfterTheConfiguredDelay() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "MODEL_VERSION", "v2.0",
                "FAULT_STALL_AFTER_SECONDS", "2",
                "HEARTBEAT_INTERVAL_MS", "100",
                "LIVENESS_TIMEOUT_SECONDS", "0.5"),
            TestServer::realModel,
            dir)) {
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
