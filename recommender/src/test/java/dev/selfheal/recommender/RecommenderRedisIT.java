package dev.selfheal.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.RedisEmbeddingSource;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.loader.EmbeddingLoader;
import dev.selfheal.recommender.loader.LoaderConfig;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.RedisProcess;
import dev.selfheal.recommender.testing.TestConfigs;
import dev.selfheal.testsupport.FreePort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The recommender against a real redis-server and the profile stub, as the exercise's scenarios
 * describe.
 */
class RecommenderRedisIT {

  private static final int ITEMS = 3000;
  private static final Duration PATIENCE = Duration.ofSeconds(40);

  private final List<AutoCloseable> resources = new java.util.ArrayList<>();
  private ProfileStubServer stub;
  private int stubPort;

  @BeforeEach
  void startStub() throws Exception {
    stubPort = FreePort.find();
    stub = startStub(stubPort);
  }

  @AfterEach
  void stopEverything() throws Exception {
    // Reverse order; runs when a test fails too, so no redis-server outlives the test.
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  private static ProfileStubServer startStub(int port) throws Exception {
    return ProfileStubServer.start(
        StubConfig.fromEnv(
            Map.of("PORT", Integer.toString(port), "PROFILE_ITEM_COUNT", Integer.toString(ITEMS))));
  }

  private RedisProcess redis(int port) throws Exception {
    RedisProcess redis = RedisProcess.start(port);
    resources.add(redis);
    return redis;
  }

  private static void load(int redisPort, int count) {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_HOST", "127.0.0.1");
    env.put("REDIS_PORT", Integer.toString(redisPort));
    env.put("EMBEDDINGS_COUNT", Integer.toString(count));
    env.put("EMBEDDINGS_DIM", "32");
    env.put("EMBEDDINGS_BATCH_SIZE", "500");
    assertThat(EmbeddingLoader.run(LoaderConfig.fromEnv(env))).isZero();
  }

  private RecommenderApp app(int redisPort, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(overrides);
    env.put("REDIS_HOST", "127.0.0.1");
    env.put("REDIS_PORT", Integer.toString(redisPort));
    env.put("PROFILE_API_URL", "http://127.0.0.1:" + stubPort);
    env.putIfAbsent("EMBEDDINGS_BATCH_SIZE", "250");
    RecommenderConfig config = TestConfigs.config(env);
    RecommenderApp app =
        RecommenderApp.start(
            config,
            new PrometheusRegistry(),
            new RedisEmbeddingSource(config.redis(), config.warmUp()),
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    resources.add(app);
    return app;
  }

  private static void awaitReady(HttpProbe http) {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> http.get("/ready").status() == 200);
  }

  @Test
  void unreadyUntilEmbeddingsAreLoadedThenReadyAndStaysReadyWithoutRedis() throws Exception {
    RedisProcess redis = redis(FreePort.find());
    load(redis.port(), ITEMS);
    long started = System.nanoTime();
    RecommenderApp app = app(redis.port(), Map.of("WARMUP_MIN_SECONDS", "2"));
    HttpProbe http = new HttpProbe(app.port());

    assertThat(http.get("/ready").status()).isEqualTo(503);
    assertThat(http.get("/startup").status()).isEqualTo(503);
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.get("/recommendations?user=alice").status()).isEqualTo(503);

    awaitReady(http);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the load is paced to WARMUP_MIN_SECONDS")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(http.get("/startup").status()).isEqualTo(200);
    assertThat(http.metric("recommender_embeddings_loaded")).isEqualTo(ITEMS);
    assertThat(http.metric("recommender_embeddings_load_duration_seconds"))
        .isGreaterThanOrEqualTo(2.0);
    JsonNode answer = http.get("/recommendations?user=alice&k=5").body();
    assertThat(answer.get("source").asText()).isEqualTo("personalised");
    assertThat(answer.get("items")).hasSize(5);

    // Embeddings live in memory after start-up: losing Redis does not make the pod useless.
    redis.close();
    assertThat(http.get("/ready").status()).isEqualTo(200);
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.get("/recommendations?user=bob").status()).isEqualTo(200);
  }

  @Test
  void killingTheProfileApiDegradesAnswersAndRestoringItRecoversThroughTheBreaker()
      throws Exception {
    RedisProcess redis = redis(FreePort.find());
    load(redis.port(), ITEMS);
    RecommenderApp app = app(redis.port(), Map.of());
    HttpProbe http = new HttpProbe(app.port());
    awaitReady(http);
    assertThat(http.get("/recommendations?user=u0").body().get("degraded").asBoolean()).isFalse();

    stub.close();
    stub = null;
    for (int i = 1; i <= 6; i++) {
      JsonNode body = http.get("/recommendations?user=u" + i).body();
      assertThat(body.get("degraded").asBoolean()).isTrue();
      assertThat(body.get("source").asText()).isEqualTo("popular");
      assertThat(body.get("items")).hasSize(10);
    }
    assertThat(http.get("/health").status()).isEqualTo(200);
    HttpProbe.Reply ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().at("/profileApi/circuit").asText()).isEqualTo("open");
    assertThat(http.metric("recommender_degraded_responses_total{reason=\"circuit_open\"}"))
        .isPositive();

    stub = startStub(stubPort);
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !http.get("/recommendations?user=back").body().get("degraded").asBoolean());
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              http.get("/recommendations?user=again" + System.nanoTime());
              assertThat(http.metric("recommender_profile_circuit_state{state=\"closed\"}"))
                  .isEqualTo(1);
            });
    assertThat(
            http.metric(
                "recommender_profile_circuit_transitions_total{from=\"open\",to=\"half_open\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            http.metric(
                "recommender_profile_circuit_transitions_total{from=\"half_open\",to=\"closed\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(http.get("/ready").body().at("/profileApi/circuit").asText()).isEqualTo("closed");
  }

  @Test
  void fillingTheCacheEvictsAndKeepsProbesGreen() throws Exception {
    RedisProcess redis = redis(FreePort.find());
    load(redis.port(), ITEMS);
    long maxBytes = 32 * 1024;
    RecommenderApp app = app(redis.port(), Map.of("CACHE_MAX_BYTES", Long.toString(maxBytes)));
    HttpProbe http = new HttpProbe(app.port());
    awaitReady(http);
    for (int i = 0; i < 300; i++) {
      assertThat(http.get("/recommendations?user=fill" + i + "&k=20").status()).isEqualTo(200);
      if (i % 50 == 0) {
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/ready").status()).isEqualTo(200);
      }
    }
    app.cache().cleanUp();
    assertThat(app.cache().weightedBytes()).isPositive().isLessThanOrEqualTo(maxBytes);
    assertThat(http.metric("recommender_cache_weight_bytes")).isLessThanOrEqualTo(maxBytes);
    assertThat(http.metric("recommender_cache_evictions_total")).isPositive();
    assertThat(http.metric("recommender_cache_entries")).isLessThan(300);
    assertThat(http.get("/health").status()).isEqualTo(200);
    assertThat(http.get("/ready").status()).isEqualTo(200);
  }

  @Test
  void redisDownAtStartKeepsThePodAliveButUnreadyAndItRecoversWhenRedisComesUp() throws Exception {
    Logger warmUpLog = (Logger) LoggerFactory.getLogger(WarmUp.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    warmUpLog.addAppender(logs);
    resources.add(() -> warmUpLog.detachAppender(logs));
    int redisPort = FreePort.find();
    RecommenderApp app = app(redisPort, Map.of());
    HttpProbe http = new HttpProbe(app.port());

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(
                        http.metric(
                            "recommender_embeddings_load_attempts_total{outcome=\"failure\"}"))
                    .isGreaterThanOrEqualTo(3));
    assertThat(http.get("/startup").status()).isEqualTo(503);
    HttpProbe.Reply ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body().at("/embeddings/detail/lastError").asText())
        .contains("127.0.0.1:" + redisPort)
        .contains("unavailable");
    assertThat(http.get("/health").status()).as("alive: a restart would not help").isEqualTo(200);
    assertThat(logs.list)
        .anySatisfy(
            event ->
                assertThat(event.getFormattedMessage())
                    .contains("Redis at 127.0.0.1:" + redisPort + " is unavailable")
                    .contains("staying unready (alive, not restarting)")
                    .contains("retrying in"));

    // Redis comes up empty: still unready, and the log says what to do.
    RedisProcess redis = redis(redisPort);
    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(logs.list)
                    .anySatisfy(
                        event ->
                            assertThat(event.getFormattedMessage()).contains("EmbeddingLoader")));
    assertThat(http.get("/ready").status()).isEqualTo(503);

    load(redis.port(), ITEMS);
    awaitReady(http);
    assertThat(http.get("/startup").status()).isEqualTo(200);
    assertThat(http.metric("recommender_embeddings_load_attempts_total{outcome=\"success\"}"))
        .isEqualTo(1);
  }
}
