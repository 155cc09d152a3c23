package dev.selfheal.recommender.config;

import dev.selfheal.runtime.config.EnvReader;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Every setting of the recommender, read once from the environment at start. Each nested record
 * belongs to one component and is handed to it through its constructor.
 *
 * @param port HTTP port ({@code PORT})
 * @param httpThreads request worker threads ({@code HTTP_THREADS})
 * @param redis where the embeddings live
 * @param warmUp how the start-up load is paced and retried
 * @param profile the user-profile API and its circuit breaker
 * @param cache the bounded recommendation cache
 * @param limits request limits
 * @param lifecycle liveness and shutdown timing
 */
public record RecommenderConfig(
    int port,
    int httpThreads,
    RedisSettings redis,
    WarmUpSettings warmUp,
    ProfileSettings profile,
    CacheSettings cache,
    RequestLimits limits,
    Lifecycle lifecycle) {

  /**
   * Redis connection and key layout.
   *
   * @param host {@code REDIS_HOST}
   * @param port {@code REDIS_PORT}
   * @param timeout {@code REDIS_TIMEOUT_MS}, connect and socket timeout
   * @param keyPrefix {@code EMBEDDINGS_KEY_PREFIX}; items live at {@code <prefix>:item:<id>}
   * @param batchSize {@code EMBEDDINGS_BATCH_SIZE}, keys per SCAN/MGET round trip
   */
  public record RedisSettings(
      String host, int port, Duration timeout, String keyPrefix, int batchSize) {}

  /**
   * Start-up load pacing and retry.
   *
   * @param minDuration {@code WARMUP_MIN_SECONDS}: the load is paced to take at least this long,
   *     mimicking a large embedding set (30 s in the lab; 0 in tests and benchmarks)
   * @param minEmbeddings {@code EMBEDDINGS_MIN_COUNT}: fewer than this in Redis counts as "not
   *     loaded yet"
   * @param retryInitial {@code REDIS_RETRY_INITIAL_MS}, first back-off after a failed load
   * @param retryMax {@code REDIS_RETRY_MAX_MS}, back-off ceiling
   */
  public record WarmUpSettings(
      Duration minDuration, int minEmbeddings, Duration retryInitial, Duration retryMax) {}

  /**
   * The external user-profile API and the breaker in front of it.
   *
   * @param baseUrl {@code PROFILE_API_URL}
   * @param timeout {@code PROFILE_TIMEOUT_MS}, per call
   * @param breaker breaker tuning
   */
  public record ProfileSettings(URI baseUrl, Duration timeout, BreakerSettings breaker) {}

  /**
   * Circuit-breaker tuning (count-based window).
   *
   * @param failureRatePercent {@code PROFILE_CB_FAILURE_RATE}
   * @param windowSize {@code PROFILE_CB_WINDOW}
   * @param minimumCalls {@code PROFILE_CB_MIN_CALLS}
   * @param openDuration {@code PROFILE_CB_OPEN_MS}, time spent open before probing (half-open)
   * @param halfOpenCalls {@code PROFILE_CB_HALF_OPEN_CALLS}, trial calls allowed while half-open
   */
  public record BreakerSettings(
      float failureRatePercent,
      int windowSize,
      int minimumCalls,
      Duration openDuration,
      int halfOpenCalls) {}

  /**
   * The recommendation cache.
   *
   * @param maxBytes {@code CACHE_MAX_BYTES}, the weight bound (estimated retained bytes)
   * @param ttl {@code CACHE_TTL_SECONDS}, how long a personalised answer may be served again
   */
  public record CacheSettings(long maxBytes, Duration ttl) {}

  /**
   * Request limits.
   *
   * @param defaultK {@code DEFAULT_K}
   * @param maxK {@code MAX_K}
   */
  public record RequestLimits(int defaultK, int maxK) {}

  /**
   * Liveness and shutdown timing.
   *
   * @param heartbeatInterval {@code HEARTBEAT_INTERVAL_MS}
   * @param stallThreshold {@code HEALTH_STALL_SECONDS}: /health fails when the worker heartbeat is
   *     older
   * @param drain {@code SHUTDOWN_DRAIN_SECONDS}: on SIGTERM, /ready is 503 for this long before the
   *     port closes
   * @param grace {@code SHUTDOWN_GRACE_SECONDS}: time in-flight requests get to finish
   */
  public record Lifecycle(
      Duration heartbeatInterval, Duration stallThreshold, Duration drain, Duration grace) {}

  /** Validates cross-field constraints; field ranges are checked while reading. */
  public RecommenderConfig {
    if (limits.defaultK() > limits.maxK()) {
      throw new IllegalArgumentException(
          "DEFAULT_K (" + limits.defaultK() + ") must not exceed MAX_K (" + limits.maxK() + ")");
    }
    if (warmUp.retryInitial().compareTo(warmUp.retryMax()) > 0) {
      throw new IllegalArgumentException(
          "REDIS_RETRY_INITIAL_MS must not exceed REDIS_RETRY_MAX_MS");
    }
    BreakerSettings breaker = profile.breaker();
    if (breaker.minimumCalls() > breaker.windowSize()) {
      throw new IllegalArgumentException(
          "PROFILE_CB_MIN_CALLS ("
              + breaker.minimumCalls()
              + ") must not exceed PROFILE_CB_WINDOW ("
              + breaker.windowSize()
              + ")");
    }
    if (lifecycle.stallThreshold().compareTo(lifecycle.heartbeatInterval().multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "HEALTH_STALL_SECONDS must be at least twice HEARTBEAT_INTERVAL_MS");
    }
  }

  /** Reads every setting, applying lab defaults. */
  public static RecommenderConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    String prefix = env.string("EMBEDDINGS_KEY_PREFIX", "emb");
    if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new IllegalArgumentException(
          "EMBEDDINGS_KEY_PREFIX must be 1-32 characters of [A-Za-z0-9_.-], got '" + prefix + "'");
    }
    return new RecommenderConfig(
        env.integer("PORT", 8080, 0, 65535),
        env.integer("HTTP_THREADS", 8, 1, 256),
        new RedisSettings(
            env.string("REDIS_HOST", "localhost"),
            env.integer("REDIS_PORT", 6379, 1, 65535),
            Duration.ofMillis(env.longValue("REDIS_TIMEOUT_MS", 2000, 10, 60_000)),
            prefix,
            env.integer("EMBEDDINGS_BATCH_SIZE", 500, 1, 100_000)),
        new WarmUpSettings(
            Duration.ofSeconds(env.longValue("WARMUP_MIN_SECONDS", 30, 0, 3600)),
            env.integer("EMBEDDINGS_MIN_COUNT", 1, 1, Integer.MAX_VALUE),
            Duration.ofMillis(env.longValue("REDIS_RETRY_INITIAL_MS", 500, 10, 600_000)),
            Duration.ofMillis(env.longValue("REDIS_RETRY_MAX_MS", 10_000, 10, 600_000))),
        new ProfileSettings(
            env.httpUri("PROFILE_API_URL", "http://localhost:8081"),
            Duration.ofMillis(env.longValue("PROFILE_TIMEOUT_MS", 300, 1, 60_000)),
            new BreakerSettings(
                (float) env.decimal("PROFILE_CB_FAILURE_RATE", 50, 1, 100),
                env.integer("PROFILE_CB_WINDOW", 10, 1, 1000),
                env.integer("PROFILE_CB_MIN_CALLS", 5, 1, 1000),
                Duration.ofMillis(env.longValue("PROFILE_CB_OPEN_MS", 10_000, 10, 600_000)),
                env.integer("PROFILE_CB_HALF_OPEN_CALLS", 2, 1, 100))),
        new CacheSettings(
            env.longValue("CACHE_MAX_BYTES", 64L * 1024 * 1024, 1024, 64L * 1024 * 1024 * 1024),
            Duration.ofSeconds(env.longValue("CACHE_TTL_SECONDS", 300, 1, 86_400))),
        new RequestLimits(
            env.integer("DEFAULT_K", 10, 1, 1000), env.integer("MAX_K", 100, 1, 1000)),
        new Lifecycle(
            Duration.ofMillis(env.longValue("HEARTBEAT_INTERVAL_MS", 1000, 10, 60_000)),
            Duration.ofSeconds(env.longValue("HEALTH_STALL_SECONDS", 10, 1, 3600)),
            Duration.ofSeconds(env.longValue("SHUTDOWN_DRAIN_SECONDS", 5, 0, 300)),
            Duration.ofSeconds(env.longValue("SHUTDOWN_GRACE_SECONDS", 10, 0, 300))));
  }
}
