package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The content-type rule: type and subtype only, any case, parameters ignored. */
class BodyTypesTest {

  private static HttpError refused(BodyTypes types, String contentType) {
    return catchThrowableOfType(HttpError.class, () -> types.check(contentType));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "  application/json  ;charset=UTF-8;x=y",
        "application/json;"
      })
  void jsonIsAcceptedInAnyCaseWithAnyParameters(String contentType) {
    assertThatCode(() -> BodyTypes.JSON.check(contentType)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/jsonx",
        "application/json-patch+json",
        "text/json",
        "application",
        "application/ json",
        ";application/json",
        "*/*"
      })
  void anotherTypeIsRefusedWith415NamingWhatIsAccepted(String contentType) {
    HttpError error = refused(BodyTypes.JSON, contentType);
    assertThat(error).isNotNull();
    assertThat(error.status()).isEqualTo(415);
    assertThat(error.code()).isEqualTo("unsupported_media_type");
    assertThat(error.field()).isEqualTo("Content-Type");
    assertThat(error.headers()).containsEntry("Accept", "application/json");
    assertThat(error.getMessage())
        .isEqualTo("Content-Type must be application/json, got '" + contentType + "'");
  }

  @Test
  void anAbsentTypeIsRefusedUnlessAllowed() {
    HttpError none = refused(BodyTypes.JSON, null);
    assertThat(none.status()).isEqualTo(415);
    assertThat(none.getMessage()).endsWith("got none");
    assertThat(refused(BodyTypes.JSON, "  ").status()).isEqualTo(415);

    BodyTypes optional = new BodyTypes(Set.of("application/json"), true);
    assertThatCode(() -> optional.check(null)).doesNotThrowAnyException();
    assertThatCode(() -> optional.check(" ")).doesNotThrowAnyException();
    assertThat(refused(optional, "text/plain").status()).isEqualTo(415);
  }

  @Test
  void anyAcceptsEverythingAndNothing() {
    for (String contentType : new String[] {null, "", "text/plain", "x"}) {
      assertThatCode(() -> BodyTypes.ANY.check(contentType)).doesNotThrowAnyException();
    }
  }

  @Test
  void severalTypesAreNamedSortedAndTheSetIsFrozen() {
    Set<String> given = new HashSet<>(Set.of("application/x-binary", "application/json"));
    BodyTypes types = new BodyTypes(given, false);
    given.add("text/plain");
    assertThat(types.mediaTypes())
        .containsExactlyInAnyOrder("application/x-binary", "application/json");
    assertThatCode(() -> types.check("application/X-Binary")).doesNotThrowAnyException();
    HttpError error = refused(types, "text/plain");
    assertThat(error.headers()).containsEntry("Accept", "application/json, application/x-binary");
  }

  @Test
  void theMediaTypeIsWhatComesBeforeTheParameters() {
    assertThat(BodyTypes.mediaType(" Text/Plain ; charset=utf-8")).isEqualTo("text/plain");
    assertThat(BodyTypes.mediaType("text/plain")).isEqualTo("text/plain");
    assertThat(BodyTypes.mediaType("")).isEmpty();
    assertThat(BodyTypes.mediaType(";a=b")).isEmpty();
  }
}
