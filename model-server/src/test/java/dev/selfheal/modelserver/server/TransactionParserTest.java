package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.testing.ValidTransaction;
import dev.selfheal.runtime.http.ErrorMapper;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming pass of {@link TransactionParser} decides exactly as the tree did: for every body,
 * valid or not, {@code parse} gives the same transaction or the same error answer as {@code
 * fromNode(readTree(body))}, and the plain bodies of real clients take the streaming pass.
 */
class TransactionParserTest {
  private static final ObjectMapper JSON = Json.snakeCaseMapper();
  private static final TransactionParser PARSER = new TransactionParser(JSON);
  private static final ErrorMapper ERRORS = ModelErrors.mapper();

  private static final Map<String, String> PLAIN = ValidTransaction.JSON_VALUES;
  private static final List<String> FIELDS = ValidTransaction.FIELDS;

  /** Values tried in every field: the usual ones, every other JSON type and odd number forms. */
  private static final List<String> VALUES =
      List.of(
          "125.5",
          "14",
          "0",
          "-0.0",
          "-1",
          "3.2",
          "14.0",
          "1e2",
          "1E-3",
          "2.5e1",
          "1000000",
          "1000000.0000001",
          "20000",
          "20000.5",
          "23",
          "24",
          "1000",
          "1001",
          "2147483648",
          "99999999999999999999999",
          "1e400",
          "-1e400",
          "0.1e-400",
          "123456789012345.678",
          "null",
          "true",
          "false",
          "\"14\"",
          "\"grocery\"",
          "\"online\"",
          "\"Grocery\"",
          "\"casino\"",
          "\"\"",
          "[]",
          "[14]",
          "{}",
          "{\"a\":1}",
          "NaN",
          "01",
          "1.",
          ".5",
          "+1",
          "0x10",
          "\"gro\\u0063ery\"");

  static Stream<String> bodies() {
    List<String> bodies = new ArrayList<>();
    bodies.add(body(PLAIN));
    for (String field : FIELDS) {
      for (String value : VALUES) {
        Map<String, String> fields = new LinkedHashMap<>(PLAIN);
        fields.put(field, value);
        bodies.add(body(fields));
      }
      Map<String, String> missing = new LinkedHashMap<>(PLAIN);
      missing.remove(field);
      bodies.add(body(missing));
    }
    String plain = body(PLAIN);
    String inner = plain.substring(1, plain.length() - 1);
    bodies.addAll(
        List.of(
            "",
            " ",
            "null",
            "[]",
            "[" + plain + "]",
            "\"text\"",
            "14",
            plain + " ",
            plain + "x",
            plain + plain,
            plain + "{}",
            plain + "[",
            plain + "// comment",
            "{" + inner + ",\"amount\":125.5}",
            "{" + inner + ",\"extra\":{\"nested\":[1,2,{\"deep\":true}]}}",
            "{\"extra\":[1,\"two\",null]," + inner + "}",
            "{" + inner + ",\"extra\":{\"k\":1,\"k\":2}}",
            "{" + inner + ",\"extra\":" + "[".repeat(70) + "]".repeat(70) + "}",
            "{" + inner + ",\"extra\":" + "1".repeat(120) + "}",
            "{" + inner + ",\"amount\":" + "1".repeat(120) + "}",
            "{" + inner + ",}",
            "{" + inner,
            "{\"amount\":125.5 \"hour\":14}",
            "{'amount':125.5}",
            "{amount:125.5}",
            "\uFEFF" + plain));
    Random random = new Random(20);
    for (int i = 0; i < 300; i++) {
      Map<String, String> fields = new LinkedHashMap<>(PLAIN);
      fields.put("amount", number(random));
      fields.put("distance_from_home_km", number(random));
      fields.put("hour", Integer.toString(random.nextInt(30) - 3));
      fields.put("transactions_last_24h", Integer.toString(random.nextInt(1100) - 50));
      fields.put("card_present", random.nextBoolean() ? "true" : "false");
      bodies.add(body(fields));
    }
    return bodies.stream();
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void decidesAsTheTreeDid(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    assertThat(outcome(() -> PARSER.parse(bytes)))
        .as(body)
        .isEqualTo(outcome(() -> PARSER.fromNode(JSON.readTree(bytes))));
  }

  @Test
  void plainBodiesTakeTheStreamingPass() {
    // What bench/model-server-predict.lua and the lab's traffic generator send.
    String wrk =
        "{\"amount\": 125.5, \"hour\": 14, \"distance_from_home_km\": 3.2, \"transactions_last_24h\":"
            + " 2, \"merchant_category\": \"grocery\", \"card_present\": true}";
    assertThat(PARSER.stream(wrk.getBytes(StandardCharsets.UTF_8))).isNotNull();
    assertThat(PARSER.stream(body(PLAIN).getBytes(StandardCharsets.UTF_8))).isNotNull();
    // Anything unusual is left to the tree.
    assertThat(PARSER.stream("{\"amount\":null}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(PARSER.stream((body(PLAIN) + "x").getBytes(StandardCharsets.UTF_8))).isNull();
  }

  private interface Parse {
    Object run() throws Exception;
  }

  /** The transaction, or the error answer the server would give. */
  private static Object outcome(Parse parse) {
    try {
      return parse.run();
    } catch (Exception e) {
      HttpError error = ERRORS.map(e);
      return error.status() + " " + error.body() + " " + error.headers();
    }
  }

  private static String number(Random random) {
    double value = Math.pow(10, random.nextDouble() * 8 - 2) * (random.nextInt(20) == 0 ? -1 : 1);
    return switch (random.nextInt(4)) {
      case 0 -> Double.toString(value);
      case 1 -> String.format(Locale.ROOT, "%.3f", value);
      case 2 -> String.format(Locale.ROOT, "%.6e", value);
      default -> Long.toString(Math.round(value));
    };
  }

  private static String body(Map<String, String> fields) {
    StringBuilder out = new StringBuilder("{");
    fields.forEach(
        (k, v) ->
            out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return out.append('}').toString();
  }
}
