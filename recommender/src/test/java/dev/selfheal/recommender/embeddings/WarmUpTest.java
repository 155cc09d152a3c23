package dev.selfheal.recommender.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.config.RecommenderConfig.WarmUpSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WarmUpTest {

  private final WarmUpSettings settings =
      new WarmUpSettings(Duration.ZERO, 1, Duration.ofMillis(20), Duration.ofMillis(40));

  @Test
  void retriesWithBackoffUntilTheSourceDelivers() {
    AtomicInteger calls = new AtomicInteger();
    EmbeddingSet set = new EmbeddingGenerator(4, 1).generate(32, 10);
    EmbeddingSource flaky =
        progress -> {
          if (calls.incrementAndGet() < 3) {
            throw new EmbeddingsUnavailableException("Redis at x:1 is unavailable: refused", null);
          }
          progress.update(32, 32);
          return set;
        };
    PrometheusRegistry registry = new PrometheusRegistry();
    try (WarmUp warmUp = new WarmUp(flaky, settings, registry)) {
      assertThat(warmUp.status().phase()).isEqualTo(WarmUp.Phase.STARTING);
      assertThat(warmUp.isLoaded()).isFalse();
      warmUp.start();
      await().atMost(Duration.ofSeconds(30)).until(warmUp::isLoaded);
      WarmUp.Status status = warmUp.status();
      assertThat(status.phase()).isEqualTo(WarmUp.Phase.LOADED);
      assertThat(status.attempts()).isEqualTo(3);
      assertThat(status.loaded()).isEqualTo(32);
      assertThat(status.lastError()).isNull();
      assertThat(warmUp.embeddings()).containsSame(set);
      assertThat(registry.scrape().stream().map(m -> m.getMetadata().getName()))
          .contains("recommender_embeddings_load_attempts", "recommender_embeddings_loaded");
    }
  }

  @Test
  void keepsTheReasonWhileWaiting() {
    EmbeddingSource down =
        progress -> {
          throw new EmbeddingsUnavailableException("Redis at x:1 is unavailable: refused", null);
        };
    try (WarmUp warmUp = new WarmUp(down, settings, new PrometheusRegistry())) {
      warmUp.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(warmUp.status().attempts()).isGreaterThan(2));
      assertThat(warmUp.status().lastError()).contains("unavailable");
      assertThat(warmUp.isLoaded()).isFalse();
    }
  }

  @Test
  void survivesUnexpectedExceptions() {
    AtomicInteger calls = new AtomicInteger();
    EmbeddingSource buggy =
        progress -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("boom");
          }
          return new EmbeddingGenerator(4, 1).generate(16, 4);
        };
    try (WarmUp warmUp = new WarmUp(buggy, settings, new PrometheusRegistry())) {
      warmUp.start();
      await().atMost(Duration.ofSeconds(30)).until(warmUp::isLoaded);
      assertThat(warmUp.status().attempts()).isEqualTo(2);
    }
  }
}
