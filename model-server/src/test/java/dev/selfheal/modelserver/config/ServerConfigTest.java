package dev.selfheal.modelserver.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigTest {

  @Test
  void defaultsMatchTheContract() {
    ServerConfig config = ServerConfig.fromEnv(Map.of());

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.modelVersion()).isEqualTo("v1.0");
    assertThat(config.faults().stallAfter()).isZero();
    assertThat(config.faults().errorRate()).isZero();
    assertThat(config.faults().addedLatency()).isZero();
    assertThat(config.faults().unreadyFile()).isEqualTo(Path.of("/tmp/unready"));
    assertThat(config.faults().unhealthyFile()).isEqualTo(Path.of("/tmp/unhealthy"));
    assertThat(config.selfEvalInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.accuracyThreshold()).isEqualTo(0.90);
    assertThat(config.errorRateThreshold()).isEqualTo(0.10);
    assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void v2ShipsItsLatentStallAndItCanBeOverridden() {
    assertThat(ServerConfig.fromEnv(Map.of("MODEL_VERSION", "v2.0")).faults().stallAfter())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            ServerConfig.fromEnv(Map.of("MODEL_VERSION", "v2.0", "FAULT_STALL_AFTER_SECONDS", "0"))
                .faults()
                .stallEnabled())
        .isFalse();
    assertThat(
            ServerConfig.fromEnv(Map.of("MODEL_VERSION", "v2", "FAULT_STALL_AFTER_SECONDS", "1.5"))
                .faults()
                .stallAfter())
        .isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void shortVersionNamesAreNormalised() {
    assertThat(ServerConfig.fromEnv(Map.of("MODEL_VERSION", "v2")).modelVersion())
        .isEqualTo("v2.0");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "PORT, abc, PORT must be an integer",
    "PORT, 70000, PORT must be in [0, 65535]",
    "MODEL_VERSION, v3.0, MODEL_VERSION must be one of",
    "FAULT_STALL_AFTER_SECONDS, -1, FAULT_STALL_AFTER_SECONDS must be >= 0",
    "FAULT_STALL_AFTER_SECONDS, soon, FAULT_STALL_AFTER_SECONDS must be a number",
    "FAULT_ERROR_RATE, 1.5, FAULT_ERROR_RATE must be in [0.0, 1.0]",
    "FAULT_LATENCY_MS, -5, FAULT_LATENCY_MS must be >= 0",
    "ACCURACY_THRESHOLD, NaN, ACCURACY_THRESHOLD must be a number",
    "ERROR_RATE_THRESHOLD, 2, ERROR_RATE_THRESHOLD must be in [0.0, 1.0]",
    "SELF_EVAL_INTERVAL_SECONDS, 0, SELF_EVAL_INTERVAL_SECONDS must be > 0",
    "SHUTDOWN_GRACE_SECONDS, 1e12, SHUTDOWN_GRACE_SECONDS is implausibly large",
    "PREDICT_THREADS, 0, PREDICT_THREADS must be in [1, 256]",
    "MAX_BODY_BYTES, 10, MAX_BODY_BYTES must be in [256, ",
    "HTTP_HEADER_TIMEOUT_SECONDS, 0, HTTP_HEADER_TIMEOUT_SECONDS must be > 0",
    "HTTP_BODY_TIMEOUT_SECONDS, x, HTTP_BODY_TIMEOUT_SECONDS must be a number",
    "HTTP_IDLE_TIMEOUT_SECONDS, -1, HTTP_IDLE_TIMEOUT_SECONDS must be > 0",
    "HTTP_MAX_CONNECTIONS, 0, HTTP_MAX_CONNECTIONS must be in [1, 1000000]",
    "LIVENESS_TIMEOUT_SECONDS, 1, LIVENESS_TIMEOUT_SECONDS must be at least twice HEARTBEAT_INTERVAL_MS",
  })
  void badValuesFailFastNamingTheVariable(String name, String value, String message) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ServerConfig.fromEnv(Map.of(name, value)))
        .withMessageContaining(message);
  }

  @Test
  void blankValuesMeanUnset() {
    assertThat(ServerConfig.fromEnv(Map.of("PORT", " ")).port()).isEqualTo(8080);
  }
}
