package dev.selfheal.recommender.loader;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Fills Redis with a generated, seed-deterministic embedding set: {@code java -cp recommender.jar
 * dev.selfheal.recommender.loader.EmbeddingLoader} with {@code REDIS_HOST}, {@code REDIS_PORT},
 * {@code EMBEDDINGS_COUNT}, {@code EMBEDDINGS_DIM}, {@code EMBEDDINGS_SEED}, {@code
 * EMBEDDINGS_KEY_PREFIX}, {@code EMBEDDINGS_BATCH_SIZE}. Exit status 0 on success, 1 on a Redis
 * error, 2 on bad configuration.
 */
public final class EmbeddingLoader {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingLoader.class);

  private EmbeddingLoader() {}

  /**
   * @param args ignored
   */
  public static void main(String[] args) {
    LoaderConfig config;
    try {
      config = LoaderConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(config));
  }

  /** Loads and reports; returns the exit status. */
  public static int run(LoaderConfig config) {
    long started = System.nanoTime();
    try (Jedis jedis = new Jedis(new HostAndPort(config.redisHost(), config.redisPort()))) {
      int written =
          new RedisEmbeddingWriter(jedis, config.keyPrefix())
              .write(
                  new EmbeddingGenerator(config.dimension(), config.seed()),
                  config.count(),
                  config.batchSize(),
                  config.seed());
      double seconds = (System.nanoTime() - started) / 1e9;
      LOG.info(
          "Loaded {} embeddings of dimension {} (seed {}) into {}:{} in {} s ({} per second)",
          written,
          config.dimension(),
          config.seed(),
          config.redisHost(),
          config.redisPort(),
          String.format(Locale.ROOT, "%.2f", seconds),
          Math.round(written / Math.max(seconds, 1e-9)));
      return 0;
    } catch (redis.clients.jedis.exceptions.JedisException e) {
      LOG.error(
          "Could not write to Redis at {}:{}: {}",
          config.redisHost(),
          config.redisPort(),
          e.getMessage());
      return 1;
    }
  }
}
