package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.TestServer;
import dev.selfheal.modelserver.testing.ValidTransaction;
import dev.selfheal.runtime.http.ErrorMapper;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.transactions.InvalidTransactionException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests of every kind: each gets a 4xx JSON error naming the problem, and afterwards the
 * server still serves and the model's error metrics have not moved.
 */
class BadInputTest {
  @TempDir static Path dir;
  static TestServer server;
  static double requestsBefore;
  static double errorsBefore;

  private static final String VERSION = "{version=\"v1.0\"}";

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(Map.of("MAX_BODY_BYTES", "4096"), TestServer::realModel, dir);
    requestsBefore = server.metric("model_requests_total" + VERSION);
    errorsBefore = server.metric("model_errors_total" + VERSION);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String with(String field, String json) {
    ObjectBody body = new ObjectBody();
    return body.replace(field, json);
  }

  /** The valid body with one field replaced ({@code null} json removes it). */
  private static final class ObjectBody {
    String replace(String field, String json) {
      Map<String, String> fields = new java.util.LinkedHashMap<>(ValidTransaction.JSON_VALUES);
      if (json == null) {
        fields.remove(field);
      } else {
        fields.put(field, json);
      }
      StringBuilder out = new StringBuilder("{");
      fields.forEach(
          (k, v) ->
              out.append(out.length() > 1 ? "," : "")
                  .append('"')
                  .append(k)
                  .append("\":")
                  .append(v));
      return out.append('}').toString();
    }
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"amount\": ", 400, null),
        Arguments.of("not an object", "[1,2,3]", 400, null),
        Arguments.of("empty body", "", 400, null),
        Arguments.of("trailing garbage", TestServer.VALID_BODY + " x", 400, null),
        Arguments.of("NaN literal", with("amount", "NaN"), 400, null),
        Arguments.of(
            "duplicate key", "{\"amount\":1," + with("amount", "2").substring(1), 400, null),
        Arguments.of("amount missing", with("amount", null), 400, "amount"),
        Arguments.of("amount null", with("amount", "null"), 400, "amount"),
        Arguments.of("amount as string", with("amount", "\"125.5\""), 400, "amount"),
        Arguments.of("amount negative", with("amount", "-3"), 400, "amount"),
        Arguments.of("amount zero", with("amount", "0"), 400, "amount"),
        Arguments.of("amount overflows to infinity", with("amount", "1e400"), 400, "amount"),
        Arguments.of("amount too large", with("amount", "2000000"), 400, "amount"),
        Arguments.of("hour fractional", with("hour", "14.5"), 400, "hour"),
        Arguments.of("hour 24", with("hour", "24"), 400, "hour"),
        Arguments.of("hour huge", with("hour", "99999999999999999999"), 400, "hour"),
        Arguments.of("hour boolean", with("hour", "true"), 400, "hour"),
        Arguments.of(
            "distance negative", with("distance_from_home_km", "-1"), 400, "distance_from_home_km"),
        Arguments.of(
            "transactions as array",
            with("transactions_last_24h", "[2]"),
            400,
            "transactions_last_24h"),
        Arguments.of(
            "transactions too many",
            with("transactions_last_24h", "100000"),
            400,
            "transactions_last_24h"),
        Arguments.of(
            "unknown merchant", with("merchant_category", "\"casino\""), 400, "merchant_category"),
        Arguments.of(
            "merchant as number", with("merchant_category", "7"), 400, "merchant_category"),
        Arguments.of(
            "card_present as string", with("card_present", "\"yes\""), 400, "card_present"),
        Arguments.of("card_present missing", with("card_present", null), 400, "card_present"),
        Arguments.of("huge body", "{\"amount\":\"" + "9".repeat(10_000) + "\"}", 413, null),
        Arguments.of("deep nesting", "[".repeat(200) + "]".repeat(200), 400, null));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badBodies")
  void badBodiesAreRefusedNamingTheProblem(String name, String body, int status, String field)
      throws Exception {
    HttpResponse<String> response = server.postJson("/predict", body);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode error = TestServer.json(response);
    assertThat(error.get("status").asInt()).isEqualTo(status);
    assertThat(error.get("error").asText())
        .isNotBlank()
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    if (field != null) {
      assertThat(error.get("field").asText()).isEqualTo(field);
      assertThat(error.get("error").asText()).contains(field);
    }
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("GET /predict", HttpRequest.newBuilder().GET(), "/predict", 405),
        Arguments.of("DELETE /health", HttpRequest.newBuilder().DELETE(), "/health", 405),
        Arguments.of(
            "POST /ready",
            HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.noBody()),
            "/ready",
            405),
        Arguments.of(
            "text/plain",
            HttpRequest.newBuilder()
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.VALID_BODY)),
            "/predict",
            415),
        Arguments.of(
            "form encoded",
            HttpRequest.newBuilder()
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("amount=1")),
            "/predict",
            415),
        Arguments.of(
            "no content type",
            HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.VALID_BODY)),
            "/predict",
            415),
        Arguments.of(
            "infer wrong type",
            HttpRequest.newBuilder()
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("1,2")),
            "/v2/models/fraud-detector/infer",
            415),
        Arguments.of(
            "infer without inputs",
            HttpRequest.newBuilder()
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":{}}")),
            "/v2/models/fraud-detector/infer",
            400),
        Arguments.of(
            "infer missing tensor",
            HttpRequest.newBuilder()
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"amount\",\"data\":[1]}]}")),
            "/v2/models/fraud-detector/infer",
            400));
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("badRequests")
  void badRequestsAreRefused(String name, HttpRequest.Builder request, String path, int status)
      throws Exception {
    HttpResponse<String> response = server.send(request.uri(server.uri(path)));

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(TestServer.json(response).get("status").asInt()).isEqualTo(status);
    if (status == 405) {
      assertThat(response.headers().firstValue("Allow")).isPresent();
    }
  }

  @Test
  void errorMapperKeepsServerFailuresGeneric() {
    ErrorMapper mapper = ModelErrors.mapper();
    assertThat(mapper.map(new InvalidTransactionException("amount", "bad")).field())
        .isEqualTo("amount");
    HttpError unexpected = mapper.map(new NullPointerException("secret detail"));
    assertThat(unexpected.status()).isEqualTo(500);
    assertThat(unexpected.getMessage()).isEqualTo("internal server error");
  }

  @Test
  void hugeChunkedBodyWithoutContentLengthIsRefused() throws Exception {
    HttpRequest.BodyPublisher chunked =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofString("[" + "1,".repeat(5_000) + "1]"));
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict"))
                .header("Content-Type", "application/json")
                .POST(chunked));
    assertThat(response.statusCode()).isEqualTo(413);
    HttpResponse<String> small =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofString(TestServer.VALID_BODY))));
    assertThat(small.statusCode()).isEqualTo(200);
  }

  @Test
  void contentTypeWithCharsetIsAccepted() throws Exception {
    assertThat(
            server
                .post("/predict", "application/json; charset=utf-8", TestServer.VALID_BODY)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void afterAllThatTheServerServesAndTheErrorMetricsNeverMoved() throws Exception {
    // Run the whole table again here so the assertion cannot depend on test order.
    for (Arguments args : badBodies().toList()) {
      server.postJson("/predict", (String) args.get()[1]);
    }
    assertThat(server.postJson("/predict", TestServer.VALID_BODY).statusCode()).isEqualTo(200);
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);

    assertThat(server.metric("model_errors_total" + VERSION)).isEqualTo(errorsBefore);
    assertThat(server.metric("model_error_rate" + VERSION)).isZero();
    // Only the good predictions (this one, and the charset and chunked ones if they ran) reached
    // the model.
    assertThat(server.metric("model_requests_total" + VERSION) - requestsBefore)
        .isBetween(1.0, 3.0);
  }
}
