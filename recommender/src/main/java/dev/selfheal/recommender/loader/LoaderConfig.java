package dev.selfheal.recommender.loader;

import dev.selfheal.runtime.config.EnvReader;
import java.util.Map;

/**
 * Settings of the embedding loader command.
 *
 * @param redisHost {@code REDIS_HOST}
 * @param redisPort {@code REDIS_PORT}
 * @param keyPrefix {@code EMBEDDINGS_KEY_PREFIX}
 * @param count {@code EMBEDDINGS_COUNT}
 * @param dimension {@code EMBEDDINGS_DIM}
 * @param seed {@code EMBEDDINGS_SEED}
 * @param batchSize {@code EMBEDDINGS_BATCH_SIZE}, SET commands per pipeline flush
 */
public record LoaderConfig(
    String redisHost,
    int redisPort,
    String keyPrefix,
    int count,
    int dimension,
    long seed,
    int batchSize) {

  /** Reads the environment, failing fast with the variable's name. */
  public static LoaderConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    String prefix = env.string("EMBEDDINGS_KEY_PREFIX", "emb");
    if (!prefix.matches("[A-Za-z0-9_.-]{1,32}")) {
      throw new IllegalArgumentException(
          "EMBEDDINGS_KEY_PREFIX must be 1-32 characters of [A-Za-z0-9_.-], got '" + prefix + "'");
    }
    return new LoaderConfig(
        env.string("REDIS_HOST", "localhost"),
        env.integer("REDIS_PORT", 6379, 1, 65535),
        prefix,
        env.integer("EMBEDDINGS_COUNT", 20_000, 16, 10_000_000),
        env.integer("EMBEDDINGS_DIM", 64, 2, 4096),
        env.longValue("EMBEDDINGS_SEED", 42, Long.MIN_VALUE, Long.MAX_VALUE),
        env.integer("EMBEDDINGS_BATCH_SIZE", 1000, 1, 100_000));
  }
}
