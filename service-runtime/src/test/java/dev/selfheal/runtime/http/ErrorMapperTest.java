package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Every exception the mapper knows becomes its status and a JSON error body naming the field at
 * fault; anything else is a bare 500 that says nothing of the failure.
 */
class ErrorMapperTest {
  private static final ObjectMapper JSON = Json.mapper();

  record Items(List<Integer> items) {}

  record Outer(Items inner) {}

  static class NoSuchModel extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoSuchModel(String message) {
      super(message);
    }
  }

  static final class NoSuchVersion extends NoSuchModel {
    private static final long serialVersionUID = 1L;

    NoSuchVersion() {
      super("no such version");
    }
  }

  private static JsonNode body(HttpError error) throws Exception {
    String text = JSON.writeValueAsString(error.body());
    assertThat(text).startsWith("{").doesNotContain("<").doesNotContain("\tat ");
    return JSON.readTree(text);
  }

  private static Throwable parsing(String json, Class<?> type) {
    return catchThrowable(() -> JSON.readValue(json, type));
  }

  @Test
  void anHttpErrorIsAnsweredAsItIs() throws Exception {
    HttpError error = HttpError.badRequest("name", "name is required");
    assertThat(ErrorMapper.standard().map(error)).isSameAs(error);
    JsonNode body = body(error);
    assertThat(body.get("status").asInt()).isEqualTo(400);
    assertThat(body.get("code").asText()).isEqualTo("bad_request");
    assertThat(body.get("field").asText()).isEqualTo("name");
    assertThat(body.get("error").asText()).isEqualTo("name is required");
  }

  @Test
  void aValueOfTheWrongTypeIs400NamingItsJsonPath() throws Exception {
    HttpError top = ErrorMapper.standard().map(parsing("{\"items\":[1,2,\"x\"]}", Items.class));
    assertThat(top.status()).isEqualTo(400);
    assertThat(body(top).get("field").asText()).isEqualTo("items[2]");
    assertThat(body(top).get("error").asText()).startsWith("malformed JSON: ");

    HttpError nested =
        ErrorMapper.standard().map(parsing("{\"inner\":{\"items\":[\"y\"]}}", Outer.class));
    assertThat(nested.field()).isEqualTo("inner.items[0]");
  }

  @Test
  void jsonThatDoesNotParseIs400WithoutAFieldOrTheParserSource() throws Exception {
    HttpError error = ErrorMapper.standard().map(parsing("{\"items\":", Items.class));
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.field()).isNull();
    JsonNode body = body(error);
    assertThat(body.has("field")).isFalse();
    assertThat(body.get("error").asText()).startsWith("malformed JSON: ").doesNotContain("Source");
  }

  @Test
  void jsonBreakingALimitIs400NamingTheLimit() throws Exception {
    String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_NESTING_DEPTH + 1);
    HttpError error = ErrorMapper.standard().map(catchThrowable(() -> JSON.readTree(deep)));
    assertThat(error.status()).isEqualTo(400);
    assertThat(error.code()).isEqualTo("bad_request");
    assertThat(body(error).get("error").asText())
        .startsWith("JSON body breaks a limit: ")
        .contains("nesting")
        .contains(String.valueOf(Json.MAX_NESTING_DEPTH));

    String longNumber = "1".repeat(Json.MAX_NUMBER_LENGTH + 1);
    HttpError number = ErrorMapper.standard().map(catchThrowable(() -> JSON.readTree(longNumber)));
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.getMessage()).startsWith("JSON body breaks a limit: ");
  }

  @Test
  void aFullWorkerQueueIs503WithRetryAfter() throws Exception {
    HttpError error = ErrorMapper.standard().map(new RejectedExecutionException("queue full"));
    assertThat(error.status()).isEqualTo(503);
    assertThat(error.code()).isEqualTo("overloaded");
    assertThat(error.headers()).containsEntry("Retry-After", "1");
    assertThat(body(error).get("error").asText()).doesNotContain("queue full");
  }

  @Test
  void anythingElseIsAGeneric500ThatTellsNothing() throws Exception {
    HttpError error =
        ErrorMapper.standard()
            .map(new IllegalStateException("secret /etc/model.bin", new Error("cause")));
    assertThat(error.status()).isEqualTo(500);
    assertThat(error.headers()).isEmpty();
    JsonNode body = body(error);
    assertThat(body.get("code").asText()).isEqualTo("internal_error");
    assertThat(body.get("error").asText()).isEqualTo("internal server error");
    assertThat(body.has("field")).isFalse();
    assertThat(body.toString()).doesNotContain("secret").doesNotContain("Exception");
  }

  @Test
  void serviceRulesMatchSubtypesAndComeBeforeTheCommonOnesInTheirOrder() throws Exception {
    ErrorMapper mapper =
        ErrorMapper.builder()
            .map(NoSuchModel.class, e -> HttpError.notFound(e.getMessage()))
            .map(NoSuchVersion.class, e -> HttpError.badRequest("version", "never used"))
            .map(
                RejectedExecutionException.class,
                e -> new HttpError(429, "busy", null, "busy", Map.of()))
            .build();
    HttpError version = mapper.map(new NoSuchVersion());
    assertThat(version.status()).isEqualTo(404);
    assertThat(body(version).get("error").asText()).isEqualTo("no such version");
    assertThat(mapper.map(new RejectedExecutionException()).status()).isEqualTo(429);
    assertThat(mapper.map(new IllegalArgumentException()).status()).isEqualTo(500);
  }
}
