package dev.selfheal.recommender.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.offset;

import dev.selfheal.recommender.config.RecommenderConfig.RedisSettings;
import dev.selfheal.recommender.config.RecommenderConfig.WarmUpSettings;
import dev.selfheal.recommender.loader.RedisEmbeddingWriter;
import dev.selfheal.recommender.testing.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The start-up reader against a real redis-server. */
class RedisEmbeddingSourceIT {

  private static RedisProcess redis;
  private final EmbeddingGenerator generator = new EmbeddingGenerator(8, 5);

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void flush() {
    try (Jedis jedis = redis.client()) {
      jedis.flushAll();
    }
  }

  private RedisEmbeddingSource source(Duration minDuration, int minCount, int batch) {
    return new RedisEmbeddingSource(
        new RedisSettings("127.0.0.1", redis.port(), Duration.ofSeconds(2), "emb", batch),
        new WarmUpSettings(minDuration, minCount, Duration.ofMillis(10), Duration.ofMillis(10)));
  }

  private void write(int count) {
    try (Jedis jedis = redis.client()) {
      new RedisEmbeddingWriter(jedis, "emb").write(generator, count, 100, 5);
    }
  }

  @Test
  void readsWhatTheLoaderWroteInBatchesWithProgress() throws Exception {
    write(1000);
    List<Integer> progress = new ArrayList<>();
    EmbeddingSet set = source(Duration.ZERO, 1, 128).load((done, total) -> progress.add(done));
    assertThat(set.size()).isEqualTo(1000);
    assertThat(set.dimension()).isEqualTo(8);
    assertThat(progress).hasSizeGreaterThan(3).isSorted().last().isEqualTo(1000);
    EmbeddingSet expected = generator.generate(1000, 1000);
    int row = set.rowOf(42).orElseThrow();
    float[] query = new float[8];
    expected.addRowTo(expected.rowOf(42).orElseThrow(), query);
    assertThat(set.dot(row, query)).isCloseTo(1f, offset(1e-5f));
    assertThat(set.popularIdAt(0)).isEqualTo(expected.popularIdAt(0));
    assertThat(set.popularCount()).isEqualTo(1000);
  }

  @Test
  void pacesTheLoadToTheConfiguredMinimum() throws Exception {
    write(200);
    long started = System.nanoTime();
    source(Duration.ofMillis(1500), 1, 50).load((done, total) -> {});
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void emptyRedisTellsTheOperatorToRunTheLoader() {
    assertThatExceptionOfType(EmbeddingsUnavailableException.class)
        .isThrownBy(() -> source(Duration.ZERO, 1, 100).load((done, total) -> {}))
        .withMessageContaining("no embeddings in Redis at 127.0.0.1:" + redis.port())
        .withMessageContaining("EmbeddingLoader");
  }

  @Test
  void tooFewEmbeddingsAreNotEnough() {
    write(50);
    assertThatExceptionOfType(EmbeddingsUnavailableException.class)
        .isThrownBy(() -> source(Duration.ZERO, 100, 100).load((done, total) -> {}))
        .withMessageContaining("fewer than EMBEDDINGS_MIN_COUNT=100");
  }

  @Test
  void aCorruptVectorFailsTheLoadWithAReason() {
    write(50);
    try (Jedis jedis = redis.client()) {
      jedis.set(new RedisKeys("emb").item(7), new byte[] {1, 2, 3});
    }
    assertThatExceptionOfType(EmbeddingsUnavailableException.class)
        .isThrownBy(() -> source(Duration.ZERO, 1, 100).load((done, total) -> {}))
        .withMessageContaining("corrupt embedding")
        .withMessageContaining("vector has 3 bytes, expected 32");
  }

  @Test
  void aMissingPopularitySetFallsBackToTheLowestIds() throws Exception {
    write(50);
    try (Jedis jedis = redis.client()) {
      jedis.del("emb:popular");
      jedis.hset("emb:meta", "dimension", "eight");
    }
    assertThatExceptionOfType(EmbeddingsUnavailableException.class)
        .isThrownBy(() -> source(Duration.ZERO, 1, 100).load((done, total) -> {}))
        .withMessageContaining("'dimension'")
        .withMessageContaining("not a number");
    try (Jedis jedis = redis.client()) {
      jedis.hset("emb:meta", "dimension", "8");
    }
    EmbeddingSet set = source(Duration.ZERO, 1, 100).load((done, total) -> {});
    assertThat(set.popularIds()).startsWith(0, 1, 2);
  }
}
