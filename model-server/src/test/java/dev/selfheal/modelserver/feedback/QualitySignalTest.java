package dev.selfheal.modelserver.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality signal against a real v1 server with its default windows ({@code
 * FEEDBACK_WINDOW_SIZE} 1000, {@code FEEDBACK_MIN_LABELS} 300): labelled traffic decides {@code
 * model_accuracy} once there is enough of it, the golden set keeps its own gauge, and forged,
 * repeated or unauthorised labels move nothing.
 */
class QualitySignalTest {
  private static final String V1 = "{version=\"v1.0\"}";
  private static final int WINDOW = QualityMonitor.LabelPolicy.DEFAULT.windowSize();
  private static final int MIN = QualityMonitor.LabelPolicy.DEFAULT.minLabels();

  @TempDir Path dir;

  /** A served prediction: its id and label. */
  private record Served(String id, String label) {
    String wrongLabel() {
      return label.equals("fraud") ? "legitimate" : "fraud";
    }
  }

  /** {@code count} predictions, 64 per OIP request. */
  private static List<Served> predictions(TestServer server, int count) throws Exception {
    List<Served> served = new ArrayList<>();
    while (served.size() < count) {
      int rows = Math.min(64, count - served.size());
      HttpResponse<String> response =
          server.post("/v2/models/fraud-detector/infer", null, batch(rows));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = TestServer.json(response);
      for (int i = 0; i < rows; i++) {
        served.add(
            new Served(
                body.at("/outputs/2/data/" + i).asText(),
                body.at("/outputs/0/data/" + i).asText()));
      }
    }
    return served;
  }

  /** An OIP JSON infer body of {@code rows} rows, alternating a legitimate and a fraud pattern. */
  static String batch(int rows) {
    StringBuilder amounts = new StringBuilder();
    StringBuilder hours = new StringBuilder();
    StringBuilder distances = new StringBuilder();
    StringBuilder counts = new StringBuilder();
    StringBuilder categories = new StringBuilder();
    StringBuilder cards = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      String sep = i == 0 ? "" : ",";
      boolean odd = i % 2 == 1;
      amounts.append(sep).append(odd ? 4800 : 25 + i);
      hours.append(sep).append(odd ? 3 : 14);
      distances.append(sep).append(odd ? 3500 : 3.2);
      counts.append(sep).append(odd ? 25 : 2);
      categories.append(sep).append(odd ? "\"electronics\"" : "\"grocery\"");
      cards.append(sep).append(!odd);
    }
    return "{\"inputs\":["
        + tensor("amount", "FP64", rows, amounts)
        + ","
        + tensor("hour", "INT32", rows, hours)
        + ","
        + tensor("distance_from_home_km", "FP64", rows, distances)
        + ","
        + tensor("transactions_last_24h", "INT32", rows, counts)
        + ","
        + tensor("merchant_category", "BYTES", rows, categories)
        + ","
        + tensor("card_present", "BOOL", rows, cards)
        + "]}";
  }

  private static String tensor(String name, String type, int rows, CharSequence data) {
    return "{\"name\":\""
        + name
        + "\",\"datatype\":\""
        + type
        + "\",\"shape\":["
        + rows
        + "],\"data\":["
        + data
        + "]}";
  }

  static HttpResponse<String> feedback(TestServer server, String token, String id, String label)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/feedback"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"prediction_id\":\"" + id + "\",\"label\":\"" + label + "\"}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return server.send(request);
  }

  /**
   * Sends labels for {@code served.subList(from, to)}: label {@code i} is correct when {@code i %
   * 100 < 83}, so every full hundred holds exactly 83 correct.
   */
  private static double sendAtAccuracy083(TestServer server, List<Served> served, int from, int to)
      throws Exception {
    double accuracy = Double.NaN;
    for (int i = from; i < to; i++) {
      Served one = served.get(i);
      boolean correct = i % 100 < 83;
      HttpResponse<String> response =
          feedback(server, TestServer.TOKEN, one.id(), correct ? one.label() : one.wrongLabel());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
      accuracy = TestServer.json(response).get("accuracy").asDouble();
    }
    return accuracy;
  }

  @Test
  void accuracyFollowsLabelledTrafficAtTheMinimumAndDegradedFollows() throws Exception {
    assertThat(MIN).isEqualTo(300);
    try (TestServer server = TestServer.start(Map.of(), TestServer::realModel, dir)) {
      double golden = server.metric("model_golden_accuracy" + V1);
      assertThat(golden).isGreaterThanOrEqualTo(0.93);
      List<Served> served = predictions(server, MIN);

      // One label fewer than FEEDBACK_MIN_LABELS: the golden set still decides.
      sendAtAccuracy083(server, served, 0, MIN - 1);
      assertThat(server.metric("model_accuracy" + V1)).isEqualTo(golden);
      assertThat(server.metric("model_feedback_labels" + V1)).isEqualTo(MIN - 1);
      assertThat(server.metric("model_degraded" + V1)).isZero();

      // The minimum reached: labelled traffic decides, exactly 249 of 300.
      sendAtAccuracy083(server, served, MIN - 1, MIN);
      assertThat(server.metric("model_accuracy" + V1)).isCloseTo(0.83, within(1e-9));
      assertThat(server.metric("model_degraded" + V1)).isEqualTo(1);
      assertThat(server.metric("model_golden_accuracy" + V1)).isEqualTo(golden);
      assertThat(TestServer.json(server.get("/ready")).at("/quality/degraded").asBoolean())
          .isTrue();
    }
  }

  @Test
  void driftReplacesAHealthyWindowWithinFeedbackWindowSizeLabels() throws Exception {
    assertThat(WINDOW).isEqualTo(1000);
    try (TestServer server = TestServer.start(Map.of(), TestServer::realModel, dir)) {
      for (Served one : predictions(server, WINDOW)) {
        assertThat(feedback(server, TestServer.TOKEN, one.id(), one.label()).statusCode())
            .isEqualTo(202);
      }
      assertThat(server.metric("model_accuracy" + V1)).isEqualTo(1.0);
      assertThat(server.metric("model_degraded" + V1)).isZero();

      // True accuracy drops to 0.83. Mixed with 1.0 of old labels the window crosses 0.90 after
      // about 590 new labels (0.898 at 600); after 1000 (the window) only new ones are left.
      List<Served> drift = predictions(server, WINDOW);
      assertThat(sendAtAccuracy083(server, drift, 0, 580)).isGreaterThan(0.90);
      assertThat(server.metric("model_degraded" + V1)).isZero();
      assertThat(sendAtAccuracy083(server, drift, 580, 600)).isLessThan(0.90);
      assertThat(server.metric("model_degraded" + V1)).isEqualTo(1);
      sendAtAccuracy083(server, drift, 600, WINDOW);
      assertThat(server.metric("model_accuracy" + V1)).isCloseTo(0.83, within(1e-9));
      assertThat(server.metric("model_feedback_labels" + V1)).isEqualTo(WINDOW);
    }
  }

  @Test
  void forgedAndRepeatedBurstsMoveNothing() throws Exception {
    try (TestServer server = TestServer.start(Map.of(), TestServer::realModel, dir)) {
      List<Served> served = predictions(server, MIN + 50);
      for (Served one : served) {
        feedback(server, TestServer.TOKEN, one.id(), one.label());
      }
      double before = server.metric("model_accuracy" + V1);
      assertThat(before).isEqualTo(1.0);

      for (int i = 0; i < 300; i++) {
        HttpResponse<String> forged =
            feedback(
                server,
                TestServer.TOKEN,
                "00000000-0000-0000-0000-" + String.format("%012d", i),
                "fraud");
        assertThat(forged.statusCode()).isEqualTo(404);
      }
      for (int i = 0; i < 300; i++) {
        Served again = served.get(i % served.size());
        HttpResponse<String> repeated =
            feedback(server, TestServer.TOKEN, again.id(), again.wrongLabel());
        assertThat(repeated.statusCode()).isEqualTo(409);
        assertThat(TestServer.json(repeated).get("code").asText()).isEqualTo("already_scored");
      }

      assertThat(server.metric("model_accuracy" + V1)).isEqualTo(before);
      assertThat(server.metric("model_feedback_labels" + V1)).isEqualTo(MIN + 50);
      assertThat(server.metric("model_feedback_total{outcome=\"unknown_id\",version=\"v1.0\"}"))
          .isEqualTo(300);
      assertThat(server.metric("model_feedback_total{outcome=\"repeated\",version=\"v1.0\"}"))
          .isEqualTo(300);
      assertThat(server.metric("model_feedback_total{outcome=\"accepted\",version=\"v1.0\"}"))
          .isEqualTo(MIN + 50);
    }
  }

  @Test
  void withATokenOnlyItsHolderIsHeard() throws Exception {
    try (TestServer server =
        TestServer.start(Map.of("FEEDBACK_TOKEN", "s3cret-token"), TestServer::realModel, dir)) {
      List<Served> served = predictions(server, 200);
      double golden = server.metric("model_accuracy" + V1);

      for (Served one : served) {
        HttpResponse<String> anonymous = feedback(server, null, one.id(), one.wrongLabel());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        assertThat(feedback(server, "guess", one.id(), one.wrongLabel()).statusCode())
            .isEqualTo(401);
      }
      assertThat(server.metric("model_accuracy" + V1)).isEqualTo(golden);
      assertThat(server.metric("model_feedback_labels" + V1)).isZero();

      // The ids were not used up by the refused attempts: the holder's labels count.
      HttpResponse<String> accepted =
          feedback(server, "s3cret-token", served.get(0).id(), served.get(0).label());
      assertThat(accepted.statusCode()).isEqualTo(202);
      assertThat(server.metric("model_feedback_labels" + V1)).isEqualTo(1);
      HttpResponse<String> lowerCaseScheme =
          server.send(
              HttpRequest.newBuilder(server.uri("/feedback"))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "bearer s3cret-token")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"prediction_id\":\""
                              + served.get(1).id()
                              + "\",\"label\":\"fraud\"}")));
      assertThat(lowerCaseScheme.statusCode()).isEqualTo(202);
    }
  }
}
