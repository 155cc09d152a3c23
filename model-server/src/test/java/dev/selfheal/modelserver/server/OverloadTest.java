package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.modelserver.testing.FakeModel;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saturates inference (one thread, one queue slot, predictions that block) and checks that excess
 * requests are shed with 503 + Retry-After while probes and metrics keep answering.
 */
class OverloadTest {
  @TempDir Path dir;

  @Test
  void excessPredictionsAreShedAndProbesStillAnswer() throws Exception {
    FakeModel model = new FakeModel(50, 0);
    String slow = TestServer.VALID_BODY.replace("125.5", Double.toString(FakeModel.SLOW_AMOUNT));
    try (TestServer server =
        TestServer.start(
            Map.of("PREDICT_THREADS", "1", "PREDICT_QUEUE_CAPACITY", "1", "HTTP_THREADS", "2"),
            version -> model,
            dir)) {
      List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
      accepted.add(server.postAsync("/predict", slow));
      accepted.add(server.postAsync("/predict", slow));
      // One running, one queued: the pool is now full.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> server.postJson("/predict", TestServer.VALID_BODY).statusCode() == 503);

      HttpResponse<String> shed = server.postJson("/predict", TestServer.VALID_BODY);
      assertThat(shed.statusCode()).isEqualTo(503);
      assertThat(shed.headers().firstValue("Retry-After")).contains("1");
      assertThat(TestServer.json(shed).get("code").asText()).isEqualTo("overloaded");

      for (int i = 0; i < 20; i++) {
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        assertThat(server.get("/ready").statusCode()).isEqualTo(200);
      }
      assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
      assertThat(accepted).noneMatch(CompletableFuture::isDone);

      model.release();
      for (CompletableFuture<HttpResponse<String>> future : accepted) {
        assertThat(future.get().statusCode()).isEqualTo(200);
      }
      assertThat(server.postJson("/predict", TestServer.VALID_BODY).statusCode()).isEqualTo(200);
      // Shedding is about capacity, not model quality.
      assertThat(server.metric("model_errors_total{version=\"v1.0\"}")).isZero();
    }
  }

  @Test
  void modelFailuresCountAsErrorsAndMapTo500() throws Exception {
    FakeModel model = new FakeModel(50, 0);
    try (TestServer server = TestServer.start(Map.of(), version -> model, dir)) {
      model.failing().set(true);
      HttpResponse<String> failed = server.postJson("/predict", TestServer.VALID_BODY);
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(TestServer.json(failed).get("code").asText()).isEqualTo("model_error");
      assertThat(failed.body()).doesNotContain("IllegalStateException");
      assertThat(server.metric("model_errors_total{version=\"v1.0\"}")).isEqualTo(1);
      assertThat(server.metric("model_error_rate{version=\"v1.0\"}")).isEqualTo(1);
      assertThat(server.metric("model_degraded{version=\"v1.0\"}")).isEqualTo(1);
    }
  }

  @Test
  void injectedErrorsAndLatencyAreDeterministic() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of("FAULT_ERROR_RATE", "0.5", "FAULT_LATENCY_MS", "20"),
            version -> new FakeModel(50, 0),
            dir)) {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        statuses.add(server.postJson("/predict", TestServer.VALID_BODY).statusCode());
      }
      assertThat(statuses).containsExactly(200, 500, 200, 500);
      assertThat(server.metric("model_error_rate{version=\"v1.0\"}")).isEqualTo(0.5);
      assertThat(server.metric("model_latency_ms{version=\"v1.0\"}")).isGreaterThanOrEqualTo(20);
    }
  }
}
