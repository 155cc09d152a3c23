package dev.selfheal.recommender.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.selfheal.recommender.config.RecommenderConfig.CacheSettings;
import dev.selfheal.recommender.ranking.Recommendations;
import dev.selfheal.recommender.ranking.ScoredItem;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The bounded answer cache: Caffeine with a {@code maximumWeight} in (estimated) bytes, so the
 * bound holds however large {@code k} gets. Reaching the bound evicts the least valuable entries
 * (W-TinyLFU); it is never an error, and it has nothing to do with liveness or readiness.
 */
public final class RecommendationCache {

  /** Cache key: user and requested size. */
  public record Key(String user, int k) {}

  private final Cache<Key, Recommendations> cache;
  private final long maxBytes;

  /**
   * @param settings size bound and TTL
   * @param registry where cache metrics go
   */
  public RecommendationCache(CacheSettings settings, PrometheusRegistry registry) {
    this(settings, registry, null);
  }

  /**
   * @param settings size bound and TTL
   * @param registry where cache metrics go
   * @param maintenance executor for Caffeine's maintenance work (null = Caffeine's default); tests
   *     pass {@code Runnable::run} to make eviction synchronous
   */
  public RecommendationCache(
      CacheSettings settings, PrometheusRegistry registry, Executor maintenance) {
    this.maxBytes = settings.maxBytes();
    Caffeine<Key, Recommendations> builder =
        Caffeine.newBuilder()
            .maximumWeight(settings.maxBytes())
            .weigher(RecommendationCache::weigh)
            .expireAfterWrite(settings.ttl())
            .recordStats();
    if (maintenance != null) {
      builder.executor(maintenance);
    }
    this.cache = builder.build();
    registerMetrics(registry);
  }

  /**
   * Estimated retained bytes of one entry: object headers, the user string, the list and each
   * item's record, string and boxed score. An estimate, deliberately on the high side, not a
   * measurement.
   */
  static int weigh(Key key, Recommendations value) {
    long bytes = 64 /* Caffeine node */ + 24 /* key */ + stringBytes(key.user());
    bytes += 48 /* record */ + stringBytes(value.user()) + 16 + 4L * value.items().size();
    for (ScoredItem item : value.items()) {
      bytes += 24 + stringBytes(item.id());
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  private static long stringBytes(String s) {
    return s == null ? 0 : 40 + s.length();
  }

  /** A cached answer, if present. */
  public Optional<Recommendations> get(Key key) {
    return Optional.ofNullable(cache.getIfPresent(key));
  }

  /** Stores an answer; may evict others. */
  public void put(Key key, Recommendations value) {
    cache.put(key, value);
  }

  /** Runs pending maintenance (evictions) now. */
  public void cleanUp() {
    cache.cleanUp();
  }

  /** Entries currently held (estimate). */
  public long size() {
    return cache.estimatedSize();
  }

  /** Current total weight in estimated bytes. */
  public long weightedBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  /** The configured bound in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Caffeine's statistics. */
  public CacheStats stats() {
    return cache.stats();
  }

  private void registerMetrics(PrometheusRegistry registry) {
    CounterWithCallback.builder()
        .name("recommender_cache_hits_total")
        .help("Recommendation cache hits")
        .callback(cb -> cb.call(cache.stats().hitCount()))
        .register(registry);
    CounterWithCallback.builder()
        .name("recommender_cache_misses_total")
        .help("Recommendation cache misses")
        .callback(cb -> cb.call(cache.stats().missCount()))
        .register(registry);
    CounterWithCallback.builder()
        .name("recommender_cache_evictions_total")
        .help("Entries evicted because the size bound was reached or they expired")
        .callback(cb -> cb.call(cache.stats().evictionCount()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_cache_entries")
        .help("Entries in the recommendation cache (estimate)")
        .callback(cb -> cb.call(cache.estimatedSize()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_cache_weight_bytes")
        .help("Estimated bytes held by the recommendation cache")
        .callback(cb -> cb.call(weightedBytes()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_cache_max_bytes")
        .help("Configured bound of the recommendation cache (CACHE_MAX_BYTES)")
        .callback(cb -> cb.call(maxBytes))
        .register(registry);
  }
}
