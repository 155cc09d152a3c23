package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The route table: exact paths, templates segment by segment, 404 and 405 as JSON errors. */
class RoutesTest {
  private static final Handler OK = r -> Reply.json(200, Map.of());
  private static final Route HEALTH = Route.get("/health", OK);
  private static final Route INFER = Route.post("/v2/models/{name}/infer", OK);
  private static final Route MODEL = Route.get("/v2/models/{name}", OK);
  private static final Route DELETE = new Route("DELETE", "/health", OK, BodyTypes.ANY, 0, null);
  private static final Routes ROUTES = Routes.of(HEALTH, DELETE, INFER, MODEL);

  private static HttpError refused(String method, String path) {
    return catchThrowableOfType(HttpError.class, () -> ROUTES.match(method, path));
  }

  private static JsonNode body(HttpError error) throws Exception {
    return Json.mapper().readTree(Json.mapper().writeValueAsString(error.body()));
  }

  @Test
  void exactAndTemplatedPathsMatchWithTheirParameters() {
    assertThat(ROUTES.match("GET", "/health")).isEqualTo(new Routes.Match(HEALTH, Map.of()));
    assertThat(ROUTES.match("DELETE", "/health").route()).isSameAs(DELETE);
    assertThat(ROUTES.match("POST", "/v2/models/iris/infer"))
        .isEqualTo(new Routes.Match(INFER, Map.of("name", "iris")));
    assertThat(ROUTES.match("GET", "/v2/models/iris").params()).containsEntry("name", "iris");
    assertThat(ROUTES.all()).containsExactly(HEALTH, DELETE, INFER, MODEL);
  }

  @Test
  void headIsServedByGet() {
    assertThat(ROUTES.match("HEAD", "/health").route()).isSameAs(HEALTH);
    assertThat(ROUTES.match("HEAD", "/v2/models/iris").route()).isSameAs(MODEL);
  }

  @Test
  void anUnknownPathIsAJson404() throws Exception {
    for (String path : new String[] {"/nope", "/health/", "/v2/models/a/b", "/v2/models//infer"}) {
      HttpError error = refused("GET", path);
      assertThat(error).as(path).isNotNull();
      assertThat(error.status()).isEqualTo(404);
      assertThat(error.headers()).doesNotContainKey("Allow");
      JsonNode body = body(error);
      assertThat(body.get("code").asText()).isEqualTo("not_found");
      assertThat(body.get("status").asInt()).isEqualTo(404);
      assertThat(body.get("error").asText()).isEqualTo("no such path: " + path);
    }
  }

  @Test
  void aKnownPathWithAnotherMethodIsAJson405WithAllow() throws Exception {
    HttpError exact = refused("POST", "/health");
    assertThat(exact.status()).isEqualTo(405);
    assertThat(exact.headers()).containsEntry("Allow", "DELETE, GET, HEAD");
    JsonNode body = body(exact);
    assertThat(body.get("code").asText()).isEqualTo("method_not_allowed");
    assertThat(body.get("error").asText()).isEqualTo("method POST is not allowed on /health");

    HttpError templated = refused("GET", "/v2/models/iris/infer");
    assertThat(templated.status()).isEqualTo(405);
    assertThat(templated.headers()).containsEntry("Allow", "POST");
    assertThat(refused("HEAD", "/v2/models/iris/infer").headers()).containsEntry("Allow", "POST");
  }

  @Test
  void twoRoutesForOneMethodAndPathAreRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Routes.of(HEALTH, Route.get("/health", OK)))
        .withMessage("two routes for GET /health");
  }
}
