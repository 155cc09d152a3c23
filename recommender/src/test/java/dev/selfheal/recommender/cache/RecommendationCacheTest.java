package dev.selfheal.recommender.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.recommender.config.RecommenderConfig.CacheSettings;
import dev.selfheal.recommender.ranking.Recommendations;
import dev.selfheal.recommender.ranking.ScoredItem;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationCacheTest {

  private static Recommendations answer(String user, int k) {
    List<ScoredItem> items = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      items.add(new ScoredItem("item-" + i, 1.0 / (i + 1)));
    }
    return new Recommendations(user, k, items, Recommendations.PERSONALISED, false, null, false);
  }

  @Test
  void staysWithinItsByteBoundAndEvicts() {
    long maxBytes = 64 * 1024;
    PrometheusRegistry registry = new PrometheusRegistry();
    RecommendationCache cache =
        new RecommendationCache(
            new CacheSettings(maxBytes, Duration.ofMinutes(5)), registry, Runnable::run);
    for (int i = 0; i < 2000; i++) {
      cache.put(new RecommendationCache.Key("user-" + i, 10), answer("user-" + i, 10));
    }
    cache.cleanUp();
    assertThat(cache.weightedBytes()).isLessThanOrEqualTo(maxBytes).isPositive();
    assertThat(cache.stats().evictionCount()).isPositive();
    int entryWeight =
        RecommendationCache.weigh(new RecommendationCache.Key("user-1", 10), answer("user-1", 10));
    assertThat(cache.size()).isLessThanOrEqualTo(maxBytes / entryWeight);
    assertThat(cache.maxBytes()).isEqualTo(maxBytes);
    assertThat(registry.scrape().stream().map(m -> m.getMetadata().getName()))
        .contains(
            "recommender_cache_hits",
            "recommender_cache_misses",
            "recommender_cache_evictions",
            "recommender_cache_entries",
            "recommender_cache_weight_bytes",
            "recommender_cache_max_bytes");
  }

  @Test
  void countsHitsAndMisses() {
    RecommendationCache cache =
        new RecommendationCache(
            new CacheSettings(1 << 20, Duration.ofMinutes(5)),
            new PrometheusRegistry(),
            Runnable::run);
    RecommendationCache.Key key = new RecommendationCache.Key("u", 3);
    assertThat(cache.get(key)).isEmpty();
    cache.put(key, answer("u", 3));
    assertThat(cache.get(key)).hasValueSatisfying(r -> assertThat(r.items()).hasSize(3));
    assertThat(cache.stats().hitCount()).isEqualTo(1);
    assertThat(cache.stats().missCount()).isEqualTo(1);
  }

  @Test
  void weightGrowsWithK() {
    RecommendationCache.Key key = new RecommendationCache.Key("u", 10);
    assertThat(RecommendationCache.weigh(key, answer("u", 100)))
        .isGreaterThan(RecommendationCache.weigh(key, answer("u", 10)));
  }
}
