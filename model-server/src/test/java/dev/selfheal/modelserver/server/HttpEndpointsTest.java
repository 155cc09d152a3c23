package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.RealServerPerClass;
import dev.selfheal.modelserver.testing.TestServer;
import dev.selfheal.modelserver.testing.ValidTransaction;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every endpoint against a real server on a free port, with the real v1 model. */
class HttpEndpointsTest extends RealServerPerClass {
  @Test
  void predictAnswersTheContractShape() throws Exception {
    HttpResponse<String> response = server.postJson("/predict", TestServer.VALID_BODY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = TestServer.json(response);
    assertThat(body.get("prediction").asText()).isIn("fraud", "legitimate");
    assertThat(body.get("confidence").asDouble()).isBetween(0.5, 1.0);
    assertThat(body.get("latency_ms").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(body.get("version").asText()).isEqualTo("v1.0");
    assertThat(body.get("prediction_id").asText()).hasSize(36);
  }

  @Test
  void obviousFraudIsFlagged() throws Exception {
    String body =
        "{\"amount\": 4800, \"hour\": 3, \"distance_from_home_km\": 3500,"
            + " \"transactions_last_24h\": 25, \"merchant_category\": \"electronics\","
            + " \"card_present\": false}";
    assertThat(TestServer.json(server.postJson("/predict", body)).get("prediction").asText())
        .isEqualTo("fraud");
  }

  @Test
  void feedbackScoresAPredictionOnce() throws Exception {
    JsonNode predicted = TestServer.json(server.postJson("/predict", TestServer.VALID_BODY));
    String id = predicted.get("prediction_id").asText();
    String truth = predicted.get("prediction").asText();

    HttpResponse<String> accepted =
        server.feedback("{\"prediction_id\":\"" + id + "\",\"label\":\"" + truth + "\"}");
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(TestServer.json(accepted).get("correct").asBoolean()).isTrue();

    HttpResponse<String> again =
        server.feedback("{\"prediction_id\":\"" + id + "\",\"label\":\"fraud\"}");
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(TestServer.json(again).get("error").asText()).contains(id, "already scored");
  }

  @Test
  void feedbackValidatesItsFields() throws Exception {
    HttpResponse<String> badLabel =
        server.feedback("{\"prediction_id\":\"x\",\"label\":\"maybe\"}");
    assertThat(badLabel.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(badLabel).get("field").asText()).isEqualTo("label");
    HttpResponse<String> noId = server.feedback("{\"label\":\"fraud\"}");
    assertThat(TestServer.json(noId).get("field").asText()).isEqualTo("prediction_id");
    assertThat(server.feedback("{\"prediction_id\":\"nope\",\"label\":\"fraud\"}").statusCode())
        .isEqualTo(404);
  }

  @Test
  void healthAndReadyExplainThemselves() throws Exception {
    HttpResponse<String> health = server.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode healthBody = TestServer.json(health);
    assertThat(healthBody.get("status").asText()).isEqualTo("alive");
    assertThat(healthBody.get("checks").findValuesAsText("name"))
        .containsExactly("progress", "unhealthy_file");

    HttpResponse<String> ready = server.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode readyBody = TestServer.json(ready);
    assertThat(readyBody.get("status").asText()).isEqualTo("ready");
    assertThat(readyBody.get("checks").findValuesAsText("name"))
        .containsExactly("model", "accepting_traffic", "progress", "unready_file");
    assertThat(readyBody.at("/checks/0/reason").asText()).contains("1000 golden examples");
    assertThat(readyBody.at("/quality/accuracy").asDouble()).isGreaterThanOrEqualTo(0.93);
  }

  @Test
  void probeFilesFlipTheProbesAndRemovingThemRestores() throws Exception {
    Path unready = dir.resolve("unready");
    Path unhealthy = dir.resolve("unhealthy");
    try {
      Files.createFile(unready);
      assertThat(server.get("/ready").statusCode()).isEqualTo(503);
      assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(503);
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      Files.delete(unready);
      assertThat(server.get("/ready").statusCode()).isEqualTo(200);

      Files.createFile(unhealthy);
      HttpResponse<String> health = server.get("/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains(unhealthy + " exists");
      assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(503);
      Files.delete(unhealthy);
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
    } finally {
      Files.deleteIfExists(unready);
      Files.deleteIfExists(unhealthy);
    }
  }

  @Test
  void rootReportsProvenance() throws Exception {
    JsonNode info = TestServer.json(server.get("/"));
    assertThat(info.get("version").asText()).isEqualTo("v1.0");
    assertThat(info.get("phase").asText()).isEqualTo("READY");
    assertThat(info.at("/model/name").asText()).isEqualTo("fraud-detector");
    assertThat(info.at("/model/sha256").asText()).hasSize(64);
    assertThat(info.at("/model/golden_set_accuracy").asDouble()).isGreaterThanOrEqualTo(0.93);
    assertThat(info.get("endpoints").toString()).contains("POST /predict");
  }

  @Test
  void kserveV2Endpoints() throws Exception {
    assertThat(TestServer.json(server.get("/v2/health/live")).get("live").asBoolean()).isTrue();
    assertThat(TestServer.json(server.get("/v2/health/ready")).get("ready").asBoolean()).isTrue();
    assertThat(TestServer.json(server.get("/v2")).get("name").asText()).isEqualTo("model-server");

    JsonNode metadata = TestServer.json(server.get("/v2/models/fraud-detector"));
    assertThat(metadata.get("name").asText()).isEqualTo("fraud-detector");
    assertThat(metadata.get("inputs").findValuesAsText("name"))
        .containsExactlyElementsOf(ValidTransaction.FIELDS);
    assertThat(
            TestServer.json(server.get("/v2/models/fraud-detector/ready")).get("ready").asBoolean())
        .isTrue();
    assertThat(server.get("/v2/models/other-model").statusCode()).isEqualTo(404);

    String infer =
        "{\"id\":\"req-1\",\"inputs\":["
            + "{\"name\":\"amount\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[125.5,4800]},"
            + "{\"name\":\"hour\",\"datatype\":\"INT32\",\"shape\":[2],\"data\":[14,3]},"
            + "{\"name\":\"distance_from_home_km\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[3.2,3500]},"
            + "{\"name\":\"transactions_last_24h\",\"datatype\":\"INT32\",\"shape\":[2],\"data\":[2,25]},"
            + "{\"name\":\"merchant_category\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"grocery\",\"electronics\"]},"
            + "{\"name\":\"card_present\",\"datatype\":\"BOOL\",\"shape\":[2,1],\"data\":[[true],[false]]}]}";
    HttpResponse<String> response = server.postJson("/v2/models/fraud-detector/infer", infer);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = TestServer.json(response);
    assertThat(body.get("model_name").asText()).isEqualTo("fraud-detector");
    assertThat(body.get("id").asText()).isEqualTo("req-1");
    assertThat(body.at("/outputs/0/name").asText()).isEqualTo("prediction");
    assertThat(body.at("/outputs/0/data/0").asText()).isEqualTo("legitimate");
    assertThat(body.at("/outputs/0/data/1").asText()).isEqualTo("fraud");
    assertThat(body.at("/outputs/1/data").size()).isEqualTo(2);

    HttpResponse<String> versioned =
        server.postJson("/v2/models/fraud-detector/versions/v1.0/infer", infer);
    assertThat(versioned.statusCode()).isEqualTo(200);

    HttpResponse<String> bad =
        server.postJson("/v2/models/fraud-detector/infer", infer.replace("4800", "-1"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(bad).get("field").asText()).isEqualTo("amount");
    assertThat(TestServer.json(bad).get("error").asText()).contains("row 1");
  }

  @Test
  void metricsExposeTheContractNamesWithTheVersionLabel() throws Exception {
    server.postJson("/predict", TestServer.VALID_BODY);
    String text = server.get("/metrics").body();

    for (String name :
        new String[] {
          "model_accuracy",
          "model_latency_ms",
          "model_error_rate",
          "model_requests_total",
          "model_errors_total",
          "model_uptime_seconds",
          "model_degraded"
        }) {
      assertThat(text).containsPattern("(?m)^" + name + "\\{version=\"v1.0\"} [0-9.E-]+$");
    }
    assertThat(text).contains("model_request_duration_seconds_bucket{endpoint=\"/predict\"");
    assertThat(text).containsPattern("model_server_build_info\\{.*version=\"v1.0\"");
    // JVM metrics are registered just after ready, off the start-up path.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.get("/metrics").body().contains("jvm_memory_used_bytes"));
    assertThat(server.get("/metrics").body())
        .contains("process_cpu_seconds_total", "jvm_threads_current");
    assertThat(server.metric("model_accuracy{version=\"v1.0\"}")).isGreaterThanOrEqualTo(0.93);
    assertThat(server.metric("model_degraded{version=\"v1.0\"}")).isZero();
    assertThat(server.metric("model_requests_total{version=\"v1.0\"}")).isPositive();

    HttpResponse<String> openMetrics =
        server.send(
            HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0")
                .GET());
    assertThat(openMetrics.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/openmetrics-text");
    assertThat(openMetrics.body()).contains("# EOF");
  }

  @Test
  void periodicSelfEvaluationKeepsAccuracyFresh() throws Exception {
    try (TestServer fast =
        TestServer.start(
            Map.of(
                "SELF_EVAL_INTERVAL_SECONDS",
                "0.05",
                "ACCURACY_WINDOW_SIZE",
                "10",
                "SELF_EVAL_BATCH_SIZE",
                "10"),
            version -> new dev.selfheal.modelserver.testing.FakeModel(40, 20),
            dir.resolve("fast"))) {
      // Batches of 10 rotate over 20 wrong then 20 right labels: the gauge must move both ways.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fast.metric("model_accuracy{version=\"v1.0\"}") == 1.0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fast.metric("model_accuracy{version=\"v1.0\"}") == 0.0);
    }
  }

  @Test
  void unknownPathsAnswerJson404() throws Exception {
    for (String path : new String[] {"/nope", "/healthz", "/predict/x", "/v2/nope", "/metrics/x"}) {
      HttpResponse<String> response = server.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(TestServer.json(response).get("code").asText()).isEqualTo("not_found");
    }
  }
}
