package dev.selfheal.recommender.loader;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.RedisKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Writes a generated embedding set to Redis in pipelined batches. Old keys under the same prefix
 * are removed first so a smaller or differently-sized set never mixes with a previous one; the
 * metadata hash is written last, so a recommender that starts mid-load sees "no embeddings yet"
 * rather than a partial set.
 */
public final class RedisEmbeddingWriter {

  private static final Logger LOG = LoggerFactory.getLogger(RedisEmbeddingWriter.class);

  private final Jedis jedis;
  private final RedisKeys keys;

  /**
   * @param jedis an open connection
   * @param keyPrefix key prefix
   */
  public RedisEmbeddingWriter(Jedis jedis, String keyPrefix) {
    this.jedis = jedis;
    this.keys = new RedisKeys(keyPrefix);
  }

  /**
   * Replaces the set under the prefix.
   *
   * @return number of items written
   */
  public int write(EmbeddingGenerator generator, int count, int batchSize, long seed) {
    jedis.del(keys.meta(), keys.popular());
    int removed = removeItems(batchSize);
    if (removed > 0) {
      LOG.info("Removed {} old embeddings under '{}'", removed, keys.prefix());
    }
    double[] popularity = generator.popularity(count);
    int written = 0;
    while (written < count) {
      int end = Math.min(count, written + batchSize);
      Pipeline pipeline = jedis.pipelined();
      Map<String, Double> scores = new HashMap<>();
      for (int id = written; id < end; id++) {
        pipeline.set(keys.item(id), RedisKeys.encode(generator.vector(id)));
        scores.put(Integer.toString(id), popularity[id]);
      }
      pipeline.zadd(keys.popular(), scores);
      pipeline.sync();
      written = end;
      if (written % Math.max(batchSize, count / 10) < batchSize || written == count) {
        LOG.info("Wrote {}/{} embeddings", written, count);
      }
    }
    jedis.hset(
        keys.meta(),
        Map.of(
            RedisKeys.FIELD_DIMENSION,
            Integer.toString(generator.dimension()),
            RedisKeys.FIELD_COUNT,
            Integer.toString(count),
            "seed",
            Long.toString(seed)));
    return written;
  }

  private int removeItems(int batchSize) {
    int removed = 0;
    ScanParams params = new ScanParams().match(keys.itemPattern()).count(batchSize);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> page = jedis.scan(cursor, params);
      cursor = page.getCursorAsBytes();
      List<byte[]> found = new ArrayList<>(page.getResult());
      if (!found.isEmpty()) {
        removed += (int) jedis.unlink(found.toArray(new byte[0][]));
      }
    } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
    return removed;
  }
}
