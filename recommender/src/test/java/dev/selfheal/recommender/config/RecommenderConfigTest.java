package dev.selfheal.recommender.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.selfheal.runtime.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecommenderConfigTest {

  @Test
  void defaultsMatchTheLab() {
    RecommenderConfig config = RecommenderConfig.fromEnv(Map.of());
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.redis().host()).isEqualTo("localhost");
    assertThat(config.redis().port()).isEqualTo(6379);
    assertThat(config.warmUp().minDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.cache().maxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.profile().baseUrl().toString()).isEqualTo("http://localhost:8081");
    assertThat(config.profile().breaker().openDuration()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.limits().defaultK()).isEqualTo(10);
  }

  @Test
  void readsOverrides() {
    RecommenderConfig config =
        RecommenderConfig.fromEnv(
            Map.of(
                "REDIS_HOST", "redis",
                "CACHE_MAX_BYTES", "1073741824",
                "WARMUP_MIN_SECONDS", "0",
                "PROFILE_API_URL", "http://profile-api:8081/"));
    assertThat(config.redis().host()).isEqualTo("redis");
    assertThat(config.cache().maxBytes()).isEqualTo(1L << 30);
    assertThat(config.warmUp().minDuration()).isZero();
    assertThat(config.profile().baseUrl().getHost()).isEqualTo("profile-api");
  }

  @Test
  void rejectsNonNumericPortNamingTheVariable() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("REDIS_PORT", "six")))
        .withMessageStartingWith("REDIS_PORT must be an integer");
  }

  @Test
  void rejectsOutOfRangeValues() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("CACHE_MAX_BYTES", "10")))
        .withMessageStartingWith("CACHE_MAX_BYTES must be in");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("PROFILE_CB_FAILURE_RATE", "NaN")))
        .withMessageStartingWith("PROFILE_CB_FAILURE_RATE must be a number");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("PROFILE_CB_FAILURE_RATE", "lots")))
        .withMessageStartingWith("PROFILE_CB_FAILURE_RATE must be a number");
  }

  @Test
  void rejectsNonHttpProfileUrl() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("PROFILE_API_URL", "ftp://x")))
        .withMessageContaining("PROFILE_API_URL must be an absolute http(s) URL");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("PROFILE_API_URL", "http://a b")))
        .withMessageContaining("PROFILE_API_URL is not a valid URI");
  }

  @Test
  void rejectsConflictingSettingsNamingBoth() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("DEFAULT_K", "50", "MAX_K", "20")))
        .withMessage("DEFAULT_K (50) must not exceed MAX_K (20)");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RecommenderConfig.fromEnv(
                    Map.of("PROFILE_CB_MIN_CALLS", "20", "PROFILE_CB_WINDOW", "10")))
        .withMessage("PROFILE_CB_MIN_CALLS (20) must not exceed PROFILE_CB_WINDOW (10)");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RecommenderConfig.fromEnv(
                    Map.of("REDIS_RETRY_INITIAL_MS", "5000", "REDIS_RETRY_MAX_MS", "1000")))
        .withMessageContaining("REDIS_RETRY_INITIAL_MS");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                RecommenderConfig.fromEnv(
                    Map.of("HEARTBEAT_INTERVAL_MS", "60000", "HEALTH_STALL_SECONDS", "10")))
        .withMessageContaining("HEALTH_STALL_SECONDS");
  }

  @Test
  void rejectsBadPrefix() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> RecommenderConfig.fromEnv(Map.of("EMBEDDINGS_KEY_PREFIX", "a*b")))
        .withMessageStartingWith("EMBEDDINGS_KEY_PREFIX");
  }

  @Test
  void readsBooleansStrictly() {
    EnvReader env = new EnvReader(Map.of("A", "yes", "B", "0", "C", "maybe"));
    assertThat(env.bool("A", false)).isTrue();
    assertThat(env.bool("B", true)).isFalse();
    assertThat(env.bool("MISSING", true)).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> env.bool("C", false))
        .withMessage("C must be true or false, got 'maybe'");
  }
}
