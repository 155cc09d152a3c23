package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.selfheal.runtime.config.EnvReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every limit is checked when the limits are made, and a wrong one is named with its bound. */
class HttpLimitsTest {
  private static final HttpLimits D = HttpLimits.defaults();

  /** The defaults with one integer limit changed. */
  private static HttpLimits withInt(String setting, int value) {
    return new HttpLimits(
        setting.equals("maxRequestLineBytes") ? value : D.maxRequestLineBytes(),
        setting.equals("maxHeaderBytes") ? value : D.maxHeaderBytes(),
        setting.equals("maxBodyBytes") ? value : D.maxBodyBytes(),
        D.headerTimeout(),
        D.bodyTimeout(),
        D.idleTimeout(),
        setting.equals("maxConnections") ? value : D.maxConnections());
  }

  /** The defaults with one timeout changed. */
  private static HttpLimits withTimeout(String setting, Duration value) {
    return new HttpLimits(
        D.maxRequestLineBytes(),
        D.maxHeaderBytes(),
        D.maxBodyBytes(),
        setting.equals("headerTimeout") ? value : D.headerTimeout(),
        setting.equals("bodyTimeout") ? value : D.bodyTimeout(),
        setting.equals("idleTimeout") ? value : D.idleTimeout(),
        D.maxConnections());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(List.of(D.maxRequestLineBytes(), D.maxHeaderBytes(), D.maxBodyBytes()))
        .containsExactly(4 * 1024, 8 * 1024, 64 * 1024);
    assertThat(List.of(D.headerTimeout(), D.bodyTimeout(), D.idleTimeout()))
        .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(1));
    assertThat(D.maxConnections()).isEqualTo(4096);
  }

  @ParameterizedTest
  @CsvSource({
    "maxRequestLineBytes, 256",
    "maxHeaderBytes, 1024",
    "maxBodyBytes, 0",
    "maxConnections, 1"
  })
  void anIntegerLimitBelowItsBoundFailsNamingTheSettingAndTheBound(String setting, int min) {
    assertThat(withInt(setting, min)).isNotNull();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withInt(setting, min - 1))
        .withMessage(setting + " must be >= " + min + ", got " + (min - 1));
  }

  @ParameterizedTest
  @CsvSource({"headerTimeout", "bodyTimeout", "idleTimeout"})
  void aTimeoutMustBePositiveAndIsNamed(String setting) {
    assertThat(withTimeout(setting, Duration.ofNanos(1))).isNotNull();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withTimeout(setting, Duration.ZERO))
        .withMessage(setting + " must be > 0, got PT0S");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> withTimeout(setting, Duration.ofSeconds(-1)))
        .withMessage(setting + " must be > 0, got PT-1S");
    assertThatNullPointerException()
        .isThrownBy(() -> withTimeout(setting, null))
        .withMessage(setting);
  }

  @Test
  void withMaxBodyBytesChangesOnlyTheBodyLimitAndChecksIt() {
    assertThat(D.withMaxBodyBytes(10)).isEqualTo(withInt("maxBodyBytes", 10));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> D.withMaxBodyBytes(-1))
        .withMessageContaining("maxBodyBytes");
  }

  @Test
  void fromEnvReadsEachVariableAndKeepsTheDefaultsForTheRest() {
    assertThat(HttpLimits.fromEnv(new EnvReader(Map.of()))).isEqualTo(D);
    HttpLimits read =
        HttpLimits.fromEnv(
            new EnvReader(
                Map.of(
                    "MAX_BODY_BYTES", "1000",
                    "HTTP_HEADER_TIMEOUT_SECONDS", "1.5",
                    "HTTP_BODY_TIMEOUT_SECONDS", "2",
                    "HTTP_IDLE_TIMEOUT_SECONDS", "3",
                    "HTTP_MAX_CONNECTIONS", "7")));
    assertThat(read)
        .isEqualTo(
            new HttpLimits(
                D.maxRequestLineBytes(),
                D.maxHeaderBytes(),
                1000,
                Duration.ofMillis(1500),
                Duration.ofSeconds(2),
                Duration.ofSeconds(3),
                7));
  }

  @ParameterizedTest
  @CsvSource({
    "MAX_BODY_BYTES, 255, '[256, 16777216]'",
    "MAX_BODY_BYTES, 16777217, '[256, 16777216]'",
    "HTTP_MAX_CONNECTIONS, 0, '[1, 1000000]'",
    "HTTP_HEADER_TIMEOUT_SECONDS, 0, '> 0'",
    "HTTP_BODY_TIMEOUT_SECONDS, -1, '> 0'",
    "HTTP_IDLE_TIMEOUT_SECONDS, 0, '> 0'"
  })
  void aWrongVariableFailsNamingItAndItsBound(String variable, String value, String bound) {
    EnvReader env = new EnvReader(Map.of(variable, value));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HttpLimits.fromEnv(env))
        .withMessageContaining(variable)
        .withMessageContaining(bound)
        .withMessageContaining(value);
  }
}
