package dev.selfheal.modelserver.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.runtime.http.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two response forms, byte by byte. */
class InferResponseEncoderTest {
  private final InferResponseEncoder encoder =
      new InferResponseEncoder(Json.snakeCaseMapper(), ModelSignature.FRAUD_DETECTOR);
  private final Map<String, List<?>> values =
      Map.of(
          "prediction", List.of("fraud", "legitimate"),
          "confidence", List.of(0.75, 0.5),
          "prediction_id", List.of("a", "bé"));

  @Test
  void allJson() throws Exception {
    InferResponseEncoder.Encoded encoded =
        encoder.encode(
            "m",
            "v1.0",
            "id-1",
            values,
            List.of(new InferRequest.RequestedOutput("confidence", false)));

    assertThat(encoded.headers()).containsExactly(Map.entry("Content-Type", "application/json"));
    JsonNode body = Json.snakeCaseMapper().readTree(encoded.body());
    assertThat(body.toString())
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"v1.0\",\"id\":\"id-1\",\"outputs\":"
                + "[{\"name\":\"confidence\",\"datatype\":\"FP64\",\"shape\":[2],\"data\":[0.75,0.5]}]}");
  }

  @Test
  void binaryOutputsFollowTheHeaderInHeaderOrder() throws Exception {
    InferResponseEncoder.Encoded encoded =
        encoder.encode(
            "m",
            "v1.0",
            null,
            values,
            List.of(
                new InferRequest.RequestedOutput("prediction_id", true),
                new InferRequest.RequestedOutput("prediction", false),
                new InferRequest.RequestedOutput("confidence", true)));

    int headerLength = Integer.parseInt(encoded.headers().get("Inference-Header-Content-Length"));
    assertThat(encoded.headers().get("Content-Type")).isEqualTo("application/octet-stream");
    JsonNode header = Json.snakeCaseMapper().readTree(Arrays.copyOf(encoded.body(), headerLength));
    assertThat(header.has("id")).isFalse();
    assertThat(header.at("/outputs/0/parameters/binary_data_size").asInt())
        .isEqualTo(4 + 1 + 4 + 3);
    assertThat(header.at("/outputs/0/data").isMissingNode()).isTrue();
    assertThat(header.at("/outputs/1/data/0").asText()).isEqualTo("fraud");
    assertThat(header.at("/outputs/2/parameters/binary_data_size").asInt()).isEqualTo(16);

    ByteBuffer binary =
        ByteBuffer.wrap(encoded.body(), headerLength, encoded.body().length - headerLength)
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(binary.remaining()).isEqualTo(12 + 16);
    assertThat(binary.getInt()).isEqualTo(1);
    assertThat((char) binary.get()).isEqualTo('a');
    assertThat(binary.getInt()).isEqualTo(3); // "bé" is three UTF-8 bytes
    byte[] text = new byte[3];
    binary.get(text);
    assertThat(new String(text, StandardCharsets.UTF_8)).isEqualTo("bé");
    assertThat(binary.getDouble()).isEqualTo(0.75);
    assertThat(binary.getDouble()).isEqualTo(0.5);
  }

  @Test
  void otherTypesAndMistakes() {
    ModelSignature.TensorSpec ints =
        new ModelSignature.TensorSpec("n", ModelSignature.Datatype.INT32);
    ModelSignature.TensorSpec bools =
        new ModelSignature.TensorSpec("b", ModelSignature.Datatype.BOOL);
    assertThat(InferResponseEncoder.binary(ints, List.of(1, -1)))
        .containsExactly(1, 0, 0, 0, -1, -1, -1, -1);
    assertThat(InferResponseEncoder.binary(bools, List.of(true, false))).containsExactly(1, 0);
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                encoder.encode(
                    "m", "v", null, values, List.of(new InferRequest.RequestedOutput("x", true))));
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                encoder.encode(
                    "m",
                    "v",
                    null,
                    Map.of(),
                    List.of(new InferRequest.RequestedOutput("confidence", true))));
  }
}
