package dev.selfheal.recommender.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.RedisKeys;
import dev.selfheal.recommender.testing.RedisProcess;
import dev.selfheal.testsupport.FreePort;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class EmbeddingLoaderIT {

  private static LoaderConfig config(int port, int count, long seed) {
    return LoaderConfig.fromEnv(
        Map.of(
            "REDIS_HOST", "127.0.0.1",
            "REDIS_PORT", Integer.toString(port),
            "EMBEDDINGS_COUNT", Integer.toString(count),
            "EMBEDDINGS_DIM", "8",
            "EMBEDDINGS_SEED", Long.toString(seed),
            "EMBEDDINGS_BATCH_SIZE", "64",
            "EMBEDDINGS_KEY_PREFIX", "t"));
  }

  private static int countItems(Jedis jedis) {
    int count = 0;
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("t:item:*").count(500));
      cursor = page.getCursor();
      count += page.getResult().size();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return count;
  }

  @Test
  void writesADeterministicSetAndReplacesAnOldOne() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        Jedis jedis = redis.client()) {
      assertThat(EmbeddingLoader.run(config(redis.port(), 500, 9))).isZero();
      assertThat(countItems(jedis)).isEqualTo(500);
      assertThat(jedis.hgetAll("t:meta"))
          .containsEntry("count", "500")
          .containsEntry("dimension", "8")
          .containsEntry("seed", "9");
      assertThat(jedis.zcard("t:popular")).isEqualTo(500);

      assertThat(EmbeddingLoader.run(config(redis.port(), 100, 9))).isZero();
      assertThat(countItems(jedis)).as("old keys removed").isEqualTo(100);
      assertThat(jedis.zcard("t:popular")).isEqualTo(100);
      RedisKeys keys = new RedisKeys("t");
      assertThat(jedis.get(keys.item(5)))
          .isEqualTo(RedisKeys.encode(new EmbeddingGenerator(8, 9).vector(5)));
    }
  }

  @Test
  void reportsAnUnreachableRedisWithExitStatusOne() {
    assertThat(EmbeddingLoader.run(config(FreePort.find(), 100, 1))).isEqualTo(1);
  }
}
