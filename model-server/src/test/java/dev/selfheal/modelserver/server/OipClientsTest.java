package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.OipWire;
import dev.selfheal.modelserver.testing.OipWire.RawResponse;
import dev.selfheal.modelserver.testing.RealServerPerClass;
import dev.selfheal.modelserver.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The requests of the real Triton/KServe client ({@code src/test/resources/oip-clients}, captured
 * byte for byte) replayed against a real server, with the answers decoded as the client decodes
 * them; then the same requests compressed, re-typed and broken.
 */
class OipClientsTest extends RealServerPerClass {
  private static final String INFER = "/v2/models/fraud-detector/infer";
  private static final String JSON_FIXTURE = "tritonclient-infer-json.http";
  private static final String BINARY_FIXTURE = "tritonclient-infer-binary-in-binary-out.http";
  private static final String DEFAULT_OUTPUTS_FIXTURE =
      "tritonclient-infer-binary-in-default-outputs.http";

  private static RawResponse replay(byte[] request) throws Exception {
    return OipWire.replay(server.server().port(), request);
  }

  /** What /predict says about the two rows of the fixtures, for comparison. */
  private static List<JsonNode> predictTheFixtureRows() throws Exception {
    String second =
        "{\"amount\": 9800.0, \"hour\": 3, \"distance_from_home_km\": 900.0,"
            + " \"transactions_last_24h\": 14, \"merchant_category\": \"electronics\","
            + " \"card_present\": false}";
    return List.of(
        TestServer.json(server.postJson("/predict", TestServer.VALID_BODY)),
        TestServer.json(server.postJson("/predict", second)));
  }

  private static void assertMatchesPredict(Map<String, List<Object>> outputs) throws Exception {
    List<JsonNode> expected = predictTheFixtureRows();
    assertThat(outputs.get("prediction"))
        .containsExactly(
            expected.get(0).get("prediction").asText(), expected.get(1).get("prediction").asText());
    assertThat(outputs.get("prediction")).containsExactly("legitimate", "fraud");
    assertThat(outputs.get("confidence"))
        .containsExactly(
            expected.get(0).get("confidence").asDouble(),
            expected.get(1).get("confidence").asDouble());
    assertThat(outputs.get("prediction_id"))
        .hasSize(2)
        .allSatisfy(id -> assertThat(id.toString()).hasSize(36))
        .doesNotHaveDuplicates();
  }

  @Test
  void jsonFixtureWithoutContentTypeIsAnswered() throws Exception {
    RawResponse response = replay(OipWire.fixture(JSON_FIXTURE));

    assertThat(response.status()).as(response.text()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("application/json");
    assertThat(response.header("Inference-Header-Content-Length")).isNull();
    JsonNode header = OipWire.header(response);
    assertThat(header.get("id").asText()).isEqualTo("req-1");
    assertThat(header.get("model_name").asText()).isEqualTo("fraud-detector");
    assertThat(header.get("outputs").findValuesAsText("name"))
        .containsExactly("prediction", "confidence", "prediction_id");
    assertThat(header.at("/outputs/1/shape/0").asInt()).isEqualTo(2);
    assertMatchesPredict(OipWire.outputs(response));
  }

  @Test
  void binaryFixtureGetsBinaryOutputsTheClientCanDecode() throws Exception {
    for (String fixture : List.of(BINARY_FIXTURE, DEFAULT_OUTPUTS_FIXTURE)) {
      RawResponse response = replay(OipWire.fixture(fixture));

      assertThat(response.status()).as(fixture + ": " + response.text()).isEqualTo(200);
      assertThat(response.header("Inference-Header-Content-Length")).as(fixture).isNotNull();
      JsonNode header = OipWire.header(response);
      assertThat(header.get("id").asText()).isEqualTo("req-1");
      for (JsonNode output : header.get("outputs")) {
        assertThat(output.has("data")).as(fixture + " " + output).isFalse();
        assertThat(output.at("/parameters/binary_data_size").asInt()).isPositive();
      }
      // FP64 confidences: 8 bytes each; BYTES labels: 4-byte length + text each.
      assertThat(header.at("/outputs/1/parameters/binary_data_size").asInt()).isEqualTo(16);
      assertThat(header.at("/outputs/0/parameters/binary_data_size").asInt())
          .isEqualTo(4 + "legitimate".length() + 4 + "fraud".length());
      assertMatchesPredict(OipWire.outputs(response));
    }
  }

  @Test
  void inferPredictionIdsAcceptFeedback() throws Exception {
    RawResponse response = replay(OipWire.fixture(BINARY_FIXTURE));
    Map<String, List<Object>> outputs = OipWire.outputs(response);
    String id = outputs.get("prediction_id").get(1).toString();

    HttpResponseAssert.status(
        server.feedback("{\"prediction_id\":\"" + id + "\",\"label\":\"fraud\"}"), 202);
  }

  @Test
  void gzipAndDeflateBodiesAreDecompressed() throws Exception {
    for (String fixture : List.of(JSON_FIXTURE, BINARY_FIXTURE)) {
      Captured captured = Captured.parse(OipWire.fixture(fixture));
      for (String encoding : List.of("gzip", "deflate")) {
        Map<String, String> headers = new LinkedHashMap<>(captured.headers());
        headers.put("Content-Encoding", encoding);
        RawResponse response =
            replay(OipWire.post(INFER, headers, compress(encoding, captured.body())));

        assertThat(response.status()).as(fixture + " " + encoding).isEqualTo(200);
        assertMatchesPredict(OipWire.outputs(response));
      }
    }
  }

  @Test
  void theBodyLimitAppliesToTheDecompressedSize() throws Exception {
    // 1 MB of spaces compresses to about 1 KB: small on the wire, far over the 64 KiB limit.
    byte[] bomb = new byte[1 << 20];
    Arrays.fill(bomb, (byte) ' ');
    byte[] gzipped = compress("gzip", bomb);
    assertThat(gzipped.length).isLessThan(65_536);

    RawResponse response = replay(OipWire.post(INFER, Map.of("Content-Encoding", "gzip"), gzipped));

    assertThat(response.status()).isEqualTo(413);
    assertThat(OipWire.header(response).get("error").asText()).contains("decompressed");
    // Since the decoder throws HttpError, the 413 names the body as the field at fault.
    assertThat(OipWire.header(response).get("field").asText()).isEqualTo("body");
  }

  @Test
  void contentTypes() throws Exception {
    byte[] body = Captured.parse(OipWire.fixture(JSON_FIXTURE)).body();
    for (String type :
        List.of("application/json", "application/json; charset=utf-8", "APPLICATION/JSON")) {
      assertThat(replay(OipWire.post(INFER, Map.of("Content-Type", type), body)).status())
          .as(type)
          .isEqualTo(200);
    }
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
      RawResponse refused = replay(OipWire.post(INFER, Map.of("Content-Type", type), body));
      assertThat(refused.status()).as(type).isEqualTo(415);
      assertThat(refused.header("Content-Type")).isEqualTo("application/json");
      assertThat(OipWire.header(refused).get("error").asText()).contains(type);
    }
    Captured binary = Captured.parse(OipWire.fixture(BINARY_FIXTURE));
    Map<String, String> octet = new LinkedHashMap<>(binary.headers());
    octet.put("Content-Type", "application/octet-stream");
    assertThat(replay(OipWire.post(INFER, octet, binary.body())).status()).isEqualTo(200);
    RawResponse unknownEncoding =
        replay(OipWire.post(INFER, Map.of("Content-Encoding", "br"), body));
    assertThat(unknownEncoding.status()).isEqualTo(415);
    assertThat(OipWire.header(unknownEncoding).get("field").asText()).isEqualTo("Content-Encoding");
  }

  @Test
  void validationErrorsUseTheProtocolErrorBodyAndNameTheTensor() throws Exception {
    String body = new String(Captured.parse(OipWire.fixture(JSON_FIXTURE)).body(), UTF8);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(
        body.replace(
            "\"datatype\":\"INT32\",\"data\":[14,3]", "\"datatype\":\"INT64\",\"data\":[14,3]"),
        "hour");
    cases.put(
        body.replace(
            "\"shape\":[2],\"datatype\":\"FP64\",\"data\":[125.5,9800.0]",
            "\"shape\":[5],\"datatype\":\"FP64\",\"data\":[125.5,9800.0]"),
        "amount");
    cases.put(body.replace("{\"name\":\"prediction\",", "{\"name\":\"score\","), "score");
    cases.put(body.replace("\"name\":\"hour\"", "\"name\":\"amount\""), "amount");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      RawResponse response = replay(OipWire.post(INFER, Map.of(), bad.getKey().getBytes(UTF8)));
      assertThat(response.status()).as(bad.getValue()).isEqualTo(400);
      assertThat(response.header("Content-Type")).isEqualTo("application/json");
      JsonNode error = OipWire.header(response);
      assertThat(error.get("error").asText()).contains("'" + bad.getValue() + "'");
      assertThat(error.get("field").asText()).isEqualTo(bad.getValue());
    }
  }

  @Test
  void outputsSelectionIsHonoured() throws Exception {
    String body = new String(Captured.parse(OipWire.fixture(JSON_FIXTURE)).body(), UTF8);
    String onlyConfidence =
        body.substring(0, body.indexOf(",\"outputs\""))
            + ",\"outputs\":[{\"name\":\"confidence\",\"parameters\":{\"binary_data\":true}},"
            + "{\"name\":\"prediction\"}]}";
    RawResponse response = replay(OipWire.post(INFER, Map.of(), onlyConfidence.getBytes(UTF8)));

    assertThat(response.status()).as(response.text()).isEqualTo(200);
    JsonNode header = OipWire.header(response);
    assertThat(header.get("outputs").findValuesAsText("name"))
        .containsExactly("confidence", "prediction");
    assertThat(header.at("/outputs/1/data/1").asText()).isEqualTo("fraud");
    assertThat(OipWire.outputs(response).get("confidence")).hasSize(2);
  }

  @Test
  void serverMetadataAdvertisesTheBinaryExtension() throws Exception {
    JsonNode metadata = TestServer.json(server.get("/v2"));
    assertThat(metadata.get("extensions").toString()).contains("\"binary_tensor_data\"");
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static byte[] compress(String encoding, byte[] body) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var zip =
        encoding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
      zip.write(body);
    }
    return out.toByteArray();
  }

  /** A captured request split into its headers (Host and Content-Length dropped) and body. */
  private record Captured(Map<String, String> headers, byte[] body) {
    static Captured parse(byte[] raw) {
      String text = new String(raw, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      String[] lines = text.substring(0, end).split("\r\n");
      for (int i = 1; i < lines.length; i++) {
        String[] pair = lines[i].split(":", 2);
        String name = pair[0].trim();
        if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
          headers.put(name, pair[1].trim());
        }
      }
      return new Captured(headers, Arrays.copyOfRange(raw, end + 4, raw.length));
    }
  }

  /** A tiny status assertion that shows the body on failure. */
  private static final class HttpResponseAssert {
    static void status(java.net.http.HttpResponse<String> response, int expected) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    }
  }
}
