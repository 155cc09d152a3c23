package dev.selfheal.recommender.embeddings;

import dev.selfheal.recommender.config.RecommenderConfig.RedisSettings;
import dev.selfheal.recommender.config.RecommenderConfig.WarmUpSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads the embedding set from Redis: the metadata hash first (dimension and expected count), then
 * SCAN over the item keys in batches with one MGET per batch, so a 100k-item set costs a few
 * hundred round trips rather than 100k. When {@code WARMUP_MIN_SECONDS} is set the batches are
 * paced so the whole load takes at least that long, which is how the lab reproduces the exercise's
 * 30-second warm-up with a small data set.
 */
public final class RedisEmbeddingSource implements EmbeddingSource {

  private static final Logger LOG = LoggerFactory.getLogger(RedisEmbeddingSource.class);

  /** How many of the most popular items are kept for non-personalised answers. */
  static final int POPULAR_LIMIT = 1000;

  private final RedisSettings redis;
  private final WarmUpSettings warmUp;
  private final RedisKeys keys;

  /**
   * @param redis connection settings and key layout
   * @param warmUp pacing and minimum count
   */
  public RedisEmbeddingSource(RedisSettings redis, WarmUpSettings warmUp) {
    this.redis = redis;
    this.warmUp = warmUp;
    this.keys = new RedisKeys(redis.keyPrefix());
  }

  @Override
  public EmbeddingSet load(LoadProgress progress)
      throws EmbeddingsUnavailableException, InterruptedException {
    String where = redis.host() + ":" + redis.port();
    int timeoutMillis = (int) redis.timeout().toMillis();
    try (Jedis jedis =
        new Jedis(
            new HostAndPort(redis.host(), redis.port()),
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .clientName("recommender-warmup")
                .build())) {
      Map<String, String> meta = jedis.hgetAll(keys.meta());
      int expected = parseMeta(meta, RedisKeys.FIELD_COUNT, where);
      int dimension = parseMeta(meta, RedisKeys.FIELD_DIMENSION, where);
      if (expected < warmUp.minEmbeddings()) {
        throw new EmbeddingsUnavailableException(
            "Redis at "
                + where
                + " announces "
                + expected
                + " embeddings under '"
                + keys.prefix()
                + "', fewer than EMBEDDINGS_MIN_COUNT="
                + warmUp.minEmbeddings(),
            null);
      }
      LOG.info(
          "Loading {} embeddings of dimension {} from Redis at {} in batches of {}",
          expected,
          dimension,
          where,
          redis.batchSize());
      return read(jedis, expected, dimension, progress, where);
    } catch (JedisException e) {
      throw new EmbeddingsUnavailableException(
          "Redis at " + where + " is unavailable: " + rootMessage(e), e);
    }
  }

  private EmbeddingSet read(
      Jedis jedis, int expected, int dimension, LoadProgress progress, String where)
      throws EmbeddingsUnavailableException, InterruptedException {
    long started = System.nanoTime();
    long minNanos = warmUp.minDuration().toNanos();
    // SCAN may return a key twice (rehashing); the row map keeps the first copy.
    Map<Integer, float[]> byId = new LinkedHashMap<>(expected * 2);
    ScanParams params = new ScanParams().match(keys.itemPattern()).count(redis.batchSize());
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> page = jedis.scan(cursor, params);
      cursor = page.getCursorAsBytes();
      List<byte[]> pageKeys = page.getResult();
      if (!pageKeys.isEmpty()) {
        List<byte[]> values = jedis.mget(pageKeys.toArray(new byte[0][]));
        for (int i = 0; i < pageKeys.size(); i++) {
          byte[] value = values.get(i);
          if (value == null) {
            continue; // deleted between SCAN and MGET
          }
          float[] vector = new float[dimension];
          try {
            RedisKeys.decodeInto(value, dimension, vector, 0);
            byId.putIfAbsent(keys.idOf(pageKeys.get(i)), vector);
          } catch (IllegalArgumentException e) {
            throw new EmbeddingsUnavailableException(
                "corrupt embedding in Redis at " + where + ": " + e.getMessage(), e);
          }
        }
        progress.update(byId.size(), expected);
        pace(started, minNanos, byId.size(), expected);
      }
    } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));

    if (byId.size() < warmUp.minEmbeddings()) {
      throw new EmbeddingsUnavailableException(
          "Redis at "
              + where
              + " holds "
              + byId.size()
              + " embeddings, fewer than EMBEDDINGS_MIN_COUNT="
              + warmUp.minEmbeddings(),
          null);
    }
    if (byId.size() != expected) {
      LOG.warn("Redis metadata announced {} embeddings but {} were found", expected, byId.size());
    }
    // Keep the rest of the pacing budget for tiny sets (a single batch finishes at once).
    pace(started, minNanos, expected, expected);
    return assemble(jedis, byId, dimension);
  }

  private EmbeddingSet assemble(Jedis jedis, Map<Integer, float[]> byId, int dimension) {
    int[] ids = new int[byId.size()];
    float[] vectors = new float[byId.size() * dimension];
    int row = 0;
    for (Map.Entry<Integer, float[]> entry : byId.entrySet()) {
      ids[row] = entry.getKey();
      System.arraycopy(entry.getValue(), 0, vectors, row * dimension, dimension);
      row++;
    }
    List<Integer> popular = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (Tuple tuple : jedis.zrevrangeWithScores(keys.popular(), 0, POPULAR_LIMIT - 1)) {
      try {
        int id = Integer.parseInt(tuple.getElement());
        if (byId.containsKey(id)) {
          popular.add(id);
          scores.add(tuple.getScore());
        }
      } catch (NumberFormatException e) {
        LOG.warn("Ignoring non-numeric member '{}' of {}", tuple.getElement(), keys.popular());
      }
    }
    if (popular.isEmpty()) {
      // Without a popularity set the fallback still needs something deterministic to serve.
      LOG.warn("{} is empty; non-personalised answers use the lowest item ids", keys.popular());
      int[] sorted = ids.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < Math.min(POPULAR_LIMIT, sorted.length); i++) {
        popular.add(sorted[i]);
        scores.add(0.0);
      }
    }
    return new EmbeddingSet(
        dimension,
        ids,
        vectors,
        popular.stream().mapToInt(Integer::intValue).toArray(),
        scores.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Sleeps so that {@code loaded/expected} of the work never finishes before the same share of the
   * budget.
   */
  private static void pace(long started, long minNanos, int loaded, int expected)
      throws InterruptedException {
    if (minNanos <= 0 || expected <= 0) {
      return;
    }
    long due = started + (long) (minNanos * Math.min(1.0, (double) loaded / expected));
    long wait = due - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait).toMillis(), (int) (wait % 1_000_000));
    }
  }

  private static int parseMeta(Map<String, String> meta, String field, String where)
      throws EmbeddingsUnavailableException {
    String value = meta.get(field);
    if (value == null) {
      throw new EmbeddingsUnavailableException(
          "no embeddings in Redis at "
              + where
              + " (hash field '"
              + field
              + "' missing; run the EmbeddingLoader command)",
          null);
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new EmbeddingsUnavailableException(
          "embedding metadata field '"
              + field
              + "' in Redis at "
              + where
              + " is not a number: "
              + value,
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
  }
}
