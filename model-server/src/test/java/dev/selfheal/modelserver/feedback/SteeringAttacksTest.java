package dev.selfheal.modelserver.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client trying to steer the quality signal of a real server: flipped labels without a token,
 * one huge batch against the latency and error windows, six huge batches against the prediction
 * ledger. After each attack the gauges are what the honest traffic alone gives.
 */
class SteeringAttacksTest {
  private static final String INFER = "/v2/models/fraud-detector/infer";
  private static final int BIG = 1700;

  @TempDir Path dir;

  private static String series(String name, String version) {
    return name + "{version=\"" + version + "\"}";
  }

  /** One big OIP request; returns its prediction ids and labels, row by row. */
  private static JsonNode infer(TestServer server, int rows) throws Exception {
    HttpResponse<String> response = server.post(INFER, null, QualitySignalTest.batch(rows));
    assertThat(response.statusCode()).as(response.body()).isIn(200, 500);
    return TestServer.json(response);
  }

  @Test
  void withoutATokenFlippedLabelsAreRefusedAndAccuracyFollowsTheGoldenSet() throws Exception {
    for (String version : List.of("v1.0", "v2.0")) {
      try (TestServer server =
          TestServer.start(
              Map.of("MODEL_VERSION", version, "FEEDBACK_TOKEN", ""), TestServer::realModel, dir)) {
        double golden = server.metric(series("model_golden_accuracy", version));
        double degraded = server.metric(series("model_degraded", version));
        assertThat(degraded).isEqualTo(version.equals("v1.0") ? 0 : 1);

        // The attack of issue 21: 1,000 predictions, and for each the label that hurts most
        // (the opposite of v1's answer, v2's own answer to hide its defect).
        int refused = 0;
        for (int request = 0; request < 10; request++) {
          JsonNode body = infer(server, 100);
          for (int i = 0; i < 100; i++) {
            String id = body.at("/outputs/2/data/" + i).asText();
            String said = body.at("/outputs/0/data/" + i).asText();
            String label =
                version.equals("v2.0") ? said : said.equals("fraud") ? "legitimate" : "fraud";
            HttpResponse<String> answer = QualitySignalTest.feedback(server, null, id, label);
            assertThat(answer.statusCode()).isEqualTo(403);
            JsonNode error = TestServer.json(answer);
            assertThat(error.get("code").asText()).isEqualTo("feedback_disabled");
            assertThat(error.get("error").asText()).contains("FEEDBACK_TOKEN");
            refused++;
          }
        }

        assertThat(server.metric(series("model_accuracy", version))).isEqualTo(golden);
        assertThat(server.metric(series("model_degraded", version))).isEqualTo(degraded);
        assertThat(server.metric(series("model_feedback_labels", version))).isZero();
        assertThat(
                server.metric(
                    "model_feedback_total{outcome=\"disabled\",version=\"" + version + "\"}"))
            .isEqualTo(refused);
      }
    }
  }

  @Test
  void oneHugeBatchWeighsAsOneRequestInTheLatencyAndErrorWindows() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of("FAULT_LATENCY_MS", "30", "FAULT_ERROR_RATE", "0.5"),
            TestServer::realModel,
            dir)) {
      int honest = 40;
      for (int i = 0; i < honest; i++) {
        server.postJson("/predict", TestServer.VALID_BODY);
      }
      double errorRate = server.metric(series("model_error_rate", "v1.0"));
      double latency = server.metric(series("model_latency_ms", "v1.0"));
      assertThat(errorRate).isEqualTo(0.5);
      assertThat(latency).isGreaterThanOrEqualTo(30);
      assertThat(server.metric(series("model_degraded", "v1.0"))).isEqualTo(1);

      infer(server, BIG);

      // One sample among 41, whichever way the batch went.
      assertThat(server.metric(series("model_error_rate", "v1.0")))
          .isCloseTo(errorRate, within(1.0 / (honest + 1) + 1e-9));
      assertThat(server.metric(series("model_latency_ms", "v1.0")))
          .isGreaterThanOrEqualTo(latency * honest / (honest + 1));
      assertThat(server.metric(series("model_degraded", "v1.0"))).isEqualTo(1);
    }
  }

  @Test
  void sixHugeBatchesDoNotFlushTheIdsOfOtherClients() throws Exception {
    try (TestServer server = TestServer.start(Map.of(), TestServer::realModel, dir)) {
      List<String[]> honest = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        JsonNode served = TestServer.json(server.postJson("/predict", TestServer.VALID_BODY));
        honest.add(
            new String[] {served.get("prediction_id").asText(), served.get("prediction").asText()});
      }

      List<JsonNode> attack = new ArrayList<>();
      for (int request = 0; request < 6; request++) {
        attack.add(infer(server, BIG));
      }

      for (String[] one : honest) {
        HttpResponse<String> answer =
            QualitySignalTest.feedback(server, TestServer.TOKEN, one[0], one[1]);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
      }
      assertThat(server.metric(series("model_feedback_labels", "v1.0"))).isEqualTo(honest.size());
      assertThat(server.metric("model_feedback_total{outcome=\"unknown_id\",version=\"v1.0\"}"))
          .isZero();
      // Every row got its prediction; ids past the per-request cap (FEEDBACK_IDS_PER_REQUEST) are
      // not kept for feedback, and say so by being empty.
      for (JsonNode body : attack) {
        assertThat(body.at("/outputs/0/data/" + (BIG - 1)).asText()).isNotEmpty();
        assertThat(body.at("/outputs/2/data/99").asText()).isNotEmpty();
        assertThat(body.at("/outputs/2/data/100").asText()).isEmpty();
      }
    }
  }
}
