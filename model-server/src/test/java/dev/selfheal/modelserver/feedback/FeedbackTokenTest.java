package dev.selfheal.modelserver.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.config.ServerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedbackTokenTest {
  @Test
  void theTokenIsReadOnceAndNeverPrinted() {
    ServerConfig config = ServerConfig.fromEnv(Map.of("FEEDBACK_TOKEN", " abc123 "));
    assertThat(config.feedbackToken().required()).isTrue();
    assertThat(config.feedbackToken().matches("abc123")).isTrue();
    assertThat(config.feedbackToken().matches("abc12")).isFalse();
    assertThat(config.feedbackToken().matches(null)).isFalse();
    assertThat(config.toString()).doesNotContain("abc123").contains("FeedbackToken[set]");
    assertThat(ServerConfig.fromEnv(Map.of()).feedbackToken()).isEqualTo(FeedbackToken.NONE);
    assertThat(FeedbackToken.NONE.required()).isFalse();
    assertThat(new FeedbackToken(null)).isEqualTo(FeedbackToken.NONE);
  }
}
