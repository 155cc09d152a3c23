package dev.selfheal.modelserver.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Json;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the decoder, one case each, without a server. */
class InferRequestDecoderTest {
  private static final int MAX = 65_536;
  private final InferRequestDecoder decoder =
      new InferRequestDecoder(Json.snakeCaseMapper(), ModelSignature.FRAUD_DETECTOR);

  private static final String AMOUNT =
      "{\"name\":\"amount\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[125.5]}";
  private static final String HOUR =
      "{\"name\":\"hour\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[14]}";
  private static final String DISTANCE =
      "{\"name\":\"distance_from_home_km\",\"datatype\":\"FP64\",\"shape\":[1],\"data\":[3.2]}";
  private static final String COUNT =
      "{\"name\":\"transactions_last_24h\",\"datatype\":\"INT32\",\"shape\":[1],\"data\":[2]}";
  private static final String CATEGORY =
      "{\"name\":\"merchant_category\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"grocery\"]}";
  private static final String CARD =
      "{\"name\":\"card_present\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]}";
  private static final String ALL = String.join(",", AMOUNT, HOUR, DISTANCE, COUNT, CATEGORY, CARD);

  private static String request(String inputs) {
    return "{\"id\":\"r\",\"inputs\":[" + inputs + "]}";
  }

  private InferRequest decode(String json) {
    return decoder.decode(json.getBytes(StandardCharsets.UTF_8), null, null, null, MAX);
  }

  @Test
  void aValidJsonRequestBecomesTransactions() {
    InferRequest request = decode(request(ALL));

    assertThat(request.id()).isEqualTo("r");
    assertThat(request.rows())
        .containsExactly(new Transaction(125.5, 14, 3.2, 2, MerchantCategory.GROCERY, true));
    assertThat(request.outputs())
        .extracting(InferRequest.RequestedOutput::name)
        .containsExactly("prediction", "confidence", "prediction_id");
    assertThat(request.anyBinary()).isFalse();
  }

  @Test
  void nestedRowMajorDataWithShapeRowsByOne() {
    String nested = ALL.replace("\"shape\":[1],\"data\":[14]", "\"shape\":[1,1],\"data\":[[14]]");
    assertThat(decode(request(nested)).rows()).hasSize(1);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "missing datatype",
            ALL.replace("\"datatype\":\"INT32\",", ""),
            "hour",
            "needs a datatype"),
        Arguments.of(
            "unknown datatype",
            ALL.replace("\"datatype\":\"BOOL\"", "\"datatype\":\"FOO\""),
            "card_present",
            "has datatype FOO, the model expects BOOL"),
        Arguments.of(
            "INT64 for INT32",
            ALL.replace(
                "\"name\":\"hour\",\"datatype\":\"INT32\"",
                "\"name\":\"hour\",\"datatype\":\"INT64\""),
            "hour",
            "expects INT32"),
        Arguments.of(
            "FP32 for FP64",
            ALL.replace(
                "\"name\":\"amount\",\"datatype\":\"FP64\"",
                "\"name\":\"amount\",\"datatype\":\"FP32\""),
            "amount",
            "expects FP64"),
        Arguments.of(
            "shape says more than data",
            ALL.replace("\"shape\":[1],\"data\":[125.5]", "\"shape\":[5],\"data\":[125.5]"),
            "amount",
            "holds 1 elements but its shape says 5"),
        Arguments.of(
            "shape says fewer than data",
            ALL.replace("\"shape\":[1],\"data\":[125.5]", "\"shape\":[1],\"data\":[125.5,1]"),
            "amount",
            "holds 2 elements"),
        Arguments.of(
            "missing shape",
            ALL.replace("\"shape\":[1],\"data\":[14]", "\"data\":[14]"),
            "hour",
            "needs shape"),
        Arguments.of(
            "negative dimension",
            ALL.replace("\"shape\":[1],\"data\":[14]", "\"shape\":[-1],\"data\":[14]"),
            "hour",
            "invalid shape"),
        Arguments.of(
            "two features per row",
            ALL.replace("\"shape\":[1],\"data\":[14]", "\"shape\":[1,2],\"data\":[[14,15]]"),
            "hour",
            "one value per row"),
        Arguments.of("duplicate input", ALL + "," + HOUR, "hour", "appears more than once"),
        Arguments.of(
            "unknown input",
            ALL + ",{\"name\":\"zip\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"x\"]}",
            "zip",
            "unknown input 'zip'"),
        Arguments.of(
            "missing input",
            String.join(",", AMOUNT, HOUR, DISTANCE, COUNT, CATEGORY),
            "card_present",
            "required input 'card_present' is missing"),
        Arguments.of(
            "rows disagree",
            ALL.replace("\"shape\":[1],\"data\":[14]", "\"shape\":[2],\"data\":[14,15]"),
            "hour",
            "has 2 rows, the others 1"),
        Arguments.of(
            "string for INT32",
            ALL.replace("\"data\":[14]", "\"data\":[\"14\"]"),
            "hour",
            "element 0 (\"14\") is not a valid INT32"),
        Arguments.of(
            "fraction for INT32",
            ALL.replace("\"data\":[14]", "\"data\":[14.5]"),
            "hour",
            "not a valid INT32"),
        Arguments.of(
            "number for BOOL",
            ALL.replace("\"data\":[true]", "\"data\":[1]"),
            "card_present",
            "not a valid BOOL"),
        Arguments.of(
            "number for BYTES",
            ALL.replace("\"data\":[\"grocery\"]", "\"data\":[7]"),
            "merchant_category",
            "not a valid BYTES"),
        Arguments.of(
            "out-of-range value", ALL.replace("\"data\":[14]", "\"data\":[24]"), "hour", "row 0"),
        Arguments.of(
            "unknown category", ALL.replace("grocery", "casino"), "merchant_category", "row 0"),
        Arguments.of(
            "data and binary size",
            ALL.replace("\"data\":[14]", "\"data\":[14],\"parameters\":{\"binary_data_size\":4}"),
            "hour",
            "both data and"),
        Arguments.of(
            "neither data nor binary size",
            ALL.replace(",\"data\":[14]", ""),
            "hour",
            "needs data or parameters.binary_data_size"),
        Arguments.of(
            "binary size beyond the body",
            ALL.replace(",\"data\":[14]", ",\"parameters\":{\"binary_data_size\":4}"),
            "hour",
            "only 0 are left"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidRequestsNameTheTensor(String why, String inputs, String tensor, String message) {
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decode(request(inputs)))
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo(tensor);
              assertThat(e.getMessage()).contains(message);
            });
  }

  static Stream<Arguments> invalidOutputs() {
    return Stream.of(
        Arguments.of("[{\"name\":\"score\"}]", "score", "unknown output 'score'"),
        Arguments.of(
            "[{\"name\":\"confidence\"},{\"name\":\"confidence\"}]",
            "confidence",
            "requested more than once"),
        Arguments.of("[]", null, "non-empty array"),
        Arguments.of(
            "[{\"name\":\"confidence\",\"parameters\":{\"binary_data\":\"yes\"}}]",
            null,
            "binary_data must be true or false"));
  }

  @ParameterizedTest(name = "outputs {0}")
  @MethodSource("invalidOutputs")
  void invalidOutputSelections(String outputs, String tensor, String message) {
    String json = "{\"inputs\":[" + ALL + "],\"outputs\":" + outputs + "}";
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decode(json))
        .satisfies(
            e -> {
              assertThat(e.field()).isEqualTo(tensor);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void outputSelectionAndBinaryFlags() {
    String json =
        "{\"inputs\":["
            + ALL
            + "],\"parameters\":{\"binary_data_output\":true},"
            + "\"outputs\":[{\"name\":\"confidence\"},"
            + "{\"name\":\"prediction\",\"parameters\":{\"binary_data\":false}}]}";
    assertThat(decode(json).outputs())
        .containsExactly(
            new InferRequest.RequestedOutput("confidence", true),
            new InferRequest.RequestedOutput("prediction", false));
    assertThat(decode("{\"inputs\":[" + ALL + "]}").id()).isNull();
  }

  @Test
  void malformedRequests() {
    assertThat(status("{\"inputs\":[" + ALL + "]")).isEqualTo(400);
    assertThat(status("[]")).isEqualTo(400);
    assertThat(status("{\"inputs\":[]}")).isEqualTo(400);
    assertThat(status("{\"id\":7,\"inputs\":[" + ALL + "]}")).isEqualTo(400);
    assertThat(status("{\"inputs\":[{\"datatype\":\"FP64\"}]}")).isEqualTo(400);
  }

  private int status(String json) {
    try {
      decode(json);
      return 200;
    } catch (HttpError e) {
      return e.status();
    }
  }

  /** One row in the binary form: JSON header with binary_data_size, then the raw tensors. */
  private static byte[][] binaryRow(String category, byte card, double amount) {
    byte[] text = category.getBytes(StandardCharsets.UTF_8);
    ByteBuffer data = ByteBuffer.allocate(8 + 4 + 8 + 4 + 4 + text.length + 1);
    data.order(ByteOrder.LITTLE_ENDIAN);
    data.putDouble(amount).putInt(14).putDouble(3.2).putInt(2).putInt(text.length).put(text);
    data.put(card);
    String header =
        "{\"inputs\":["
            + binaryInput("amount", "FP64", 8)
            + ","
            + binaryInput("hour", "INT32", 4)
            + ","
            + binaryInput("distance_from_home_km", "FP64", 8)
            + ","
            + binaryInput("transactions_last_24h", "INT32", 4)
            + ","
            + binaryInput("merchant_category", "BYTES", 4 + text.length)
            + ","
            + binaryInput("card_present", "BOOL", 1)
            + "]}";
    return new byte[][] {header.getBytes(StandardCharsets.UTF_8), data.array()};
  }

  private static String binaryInput(String name, String type, int size) {
    return "{\"name\":\""
        + name
        + "\",\"datatype\":\""
        + type
        + "\",\"shape\":[1],\"parameters\":{\"binary_data_size\":"
        + size
        + "}}";
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private InferRequest decodeBinary(byte[][] row, byte[] extra) {
    return decoder.decode(
        concat(row[0], row[1], extra), null, null, Integer.toString(row[0].length), MAX);
  }

  @Test
  void binaryInputs() {
    InferRequest request = decodeBinary(binaryRow("fuel", (byte) 0, 99.5), new byte[0]);
    assertThat(request.rows())
        .containsExactly(new Transaction(99.5, 14, 3.2, 2, MerchantCategory.FUEL, false));
  }

  @Test
  void binaryInputErrors() {
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decodeBinary(binaryRow("fuel", (byte) 0, 1), new byte[] {0}))
        .withMessageContaining("1 bytes of binary data after the last input");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decodeBinary(binaryRow("fuel", (byte) 2, 1), new byte[0]))
        .withMessageContaining("not a BOOL byte");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decodeBinary(binaryRow("fuel", (byte) 1, Double.NaN), new byte[0]))
        .withMessageContaining("'amount' element 0 is not a finite number");
    byte[][] badUtf8 = binaryRow("fuel", (byte) 1, 1);
    badUtf8[1][8 + 4 + 8 + 4 + 4] = (byte) 0xC3; // a lone lead byte
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decodeBinary(badUtf8, new byte[0]))
        .withMessageContaining("not valid UTF-8");
    byte[][] wrongSize = binaryRow("fuel", (byte) 1, 1);
    String header =
        new String(wrongSize[0], StandardCharsets.UTF_8)
            .replace("\"binary_data_size\":8}}", "\"binary_data_size\":7}}");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(
            () ->
                decoder.decode(
                    concat(header.getBytes(StandardCharsets.UTF_8), wrongSize[1]),
                    null,
                    null,
                    Integer.toString(header.length()),
                    MAX))
        .satisfies(e -> assertThat(e.field()).isEqualTo("amount"))
        .withMessageContaining("7 bytes of binary data; shape and FP64 need 8");
    byte[][] longText = binaryRow("fuel", (byte) 1, 1);
    longText[1][8 + 4 + 8 + 4] = 100; // the BYTES element claims 100 bytes
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decodeBinary(longText, new byte[0]))
        .withMessageContaining("declares 100 bytes");
  }

  @Test
  void hugeShapesAreRefusedBeforeAnythingIsAllocated() {
    // 2^29 + 1 FP64 elements need 2^32 + 8 bytes: in int arithmetic that is 8, the size declared.
    String hugeFp64 =
        new String(binaryRow("fuel", (byte) 0, 1)[0], StandardCharsets.UTF_8)
            .replace(
                "\"name\":\"amount\",\"datatype\":\"FP64\",\"shape\":[1]",
                "\"name\":\"amount\",\"datatype\":\"FP64\",\"shape\":[536870913]");
    byte[][] row = binaryRow("fuel", (byte) 0, 1);
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(
            () ->
                decoder.decode(
                    concat(hugeFp64.getBytes(StandardCharsets.UTF_8), row[1]),
                    null,
                    null,
                    Integer.toString(hugeFp64.length()),
                    MAX))
        .satisfies(e -> assertThat(e.field()).isEqualTo("amount"))
        .withMessageContaining("need 4294967304");
    String hugeBytes =
        new String(row[0], StandardCharsets.UTF_8)
            .replace(
                "\"name\":\"merchant_category\",\"datatype\":\"BYTES\",\"shape\":[1]",
                "\"name\":\"merchant_category\",\"datatype\":\"BYTES\",\"shape\":[2147483647]");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(
            () ->
                decoder.decode(
                    concat(hugeBytes.getBytes(StandardCharsets.UTF_8), row[1]),
                    null,
                    null,
                    Integer.toString(hugeBytes.length()),
                    MAX))
        .withMessageContaining("too few for 2147483647 BYTES elements");
    String hugeJson =
        ALL.replace("\"shape\":[1],\"data\":[14]", "\"shape\":[2147483647],\"data\":[14]");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decode(request(hugeJson)))
        .withMessageContaining("holds 1 elements but its shape says 2147483647");
  }

  @Test
  void headerLengthAndContentType() {
    byte[][] row = binaryRow("fuel", (byte) 0, 1);
    byte[] body = concat(row[0], row[1]);
    for (String length : List.of("abc", "0", Integer.toString(body.length + 1))) {
      assertThatExceptionOfType(HttpError.class)
          .isThrownBy(() -> decoder.decode(body, null, null, length, MAX))
          .withMessageContaining("Inference-Header-Content-Length");
    }
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(body, "application/octet-stream", null, null, MAX))
        .withMessageContaining("needs Inference-Header-Content-Length");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(body, "text/csv", null, null, MAX))
        .satisfies(e -> assertThat(e.status()).isEqualTo(415))
        .satisfies(e -> assertThat(e.field()).isEqualTo("Content-Type"));
    assertThat(
            decoder
                .decode(
                    body, "application/octet-stream", null, Integer.toString(row[0].length), MAX)
                .rows())
        .hasSize(1);
  }

  @Test
  void compressedBodies() throws Exception {
    byte[] json = request(ALL).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(json);
    }
    assertThat(decoder.decode(zipped.toByteArray(), null, "gzip", null, MAX).rows()).hasSize(1);
    // The limit counts decompressed bytes: one byte under the JSON's size is refused.
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(zipped.toByteArray(), null, "gzip", null, json.length - 1))
        .satisfies(e -> assertThat(e.status()).isEqualTo(413))
        .satisfies(e -> assertThat(e.field()).isEqualTo("body"))
        .withMessage("request body exceeds " + (json.length - 1) + " bytes once decompressed");
    assertThat(decoder.decode(zipped.toByteArray(), null, "gzip", null, json.length).rows())
        .hasSize(1);
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(json, null, "gzip", null, MAX))
        .satisfies(e -> assertThat(e.status()).isEqualTo(400))
        .withMessageContaining("corrupt gzip");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(json, null, "deflate", null, MAX))
        .withMessageContaining("corrupt deflate");
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(json, null, "br", null, MAX))
        .satisfies(e -> assertThat(e.status()).isEqualTo(415))
        .satisfies(e -> assertThat(e.field()).isEqualTo("Content-Encoding"));
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> decoder.decode(json, null, null, null, json.length - 1))
        .satisfies(e -> assertThat(e.status()).isEqualTo(413));
  }
}
