package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import dev.selfheal.recommender.embeddings.EmbeddingSource;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.recommender.ranking.ScoredItem;
import dev.selfheal.recommender.stub.Faults;
import dev.selfheal.recommender.stub.ProfileGenerator;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.TestConfigs;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers against a real server on port 0, with the real profile stub; the embeddings come from
 * the generator behind a latch (Redis itself is exercised by the *IT tests).
 */
class RecommenderAppTest {

  private static final int ITEMS = 1600;

  private final CountDownLatch loadGate = new CountDownLatch(1);
  private ProfileStubServer stub;
  private RecommenderApp app;
  private HttpProbe http;

  @BeforeEach
  void start() throws Exception {
    stub =
        ProfileStubServer.start(
            StubConfig.fromEnv(Map.of("PORT", "0", "PROFILE_ITEM_COUNT", Integer.toString(ITEMS))));
    RecommenderConfig config =
        TestConfigs.config(
            Map.of("PROFILE_API_URL", "http://127.0.0.1:" + stub.port(), "MAX_K", "50"));
    EmbeddingSet set = new EmbeddingGenerator(16, 42).generate(ITEMS, 200);
    EmbeddingSource gated =
        progress -> {
          loadGate.await();
          progress.update(set.size(), set.size());
          return set;
        };
    app =
        RecommenderApp.start(
            config,
            new PrometheusRegistry(),
            gated,
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    http = new HttpProbe(app.port());
  }

  @AfterEach
  void stop() {
    loadGate.countDown();
    app.close();
    stub.close();
  }

  private void loadAndAwaitReady() {
    loadGate.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> http.get("/ready").status() == 200);
  }

  @Test
  void notReadyAndNotStartedUntilEmbeddingsLoadButAlive() {
    HttpProbe.Reply ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body().get("status").asText()).isEqualTo("not_ready");
    assertThat(ready.body().at("/embeddings/ok").asBoolean()).isFalse();
    assertThat(http.get("/startup").status()).isEqualTo(503);
    assertThat(http.get("/startup").body().get("status").asText()).isEqualTo("starting");
    HttpProbe.Reply health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().at("/workers/ok").asBoolean()).isTrue();
    assertThat(health.body().get("notChecked").has("redis")).isTrue();
    HttpProbe.Reply early = http.get("/recommendations?user=alice");
    assertThat(early.status()).isEqualTo(503);
    assertThat(early.body().get("error").asText()).contains("loading");

    loadAndAwaitReady();
    assertThat(http.get("/startup").status()).isEqualTo(200);
    assertThat(http.get("/ready").body().at("/embeddings/detail/phase").asText())
        .isEqualTo("LOADED");
    assertThat(http.metric("recommender_embeddings_loaded")).isEqualTo(ITEMS);
    assertThat(http.metric("recommender_startup_complete")).isEqualTo(1);
  }

  @Test
  void personalisedAnswersComeFromTheUsersClusterAndAreCached() {
    loadAndAwaitReady();
    HttpProbe.Reply first = http.get("/recommendations?user=alice&k=5");
    assertThat(first.status()).isEqualTo(200);
    JsonNode body = first.body();
    assertThat(body.get("source").asText()).isEqualTo("personalised");
    assertThat(body.get("degraded").asBoolean()).isFalse();
    assertThat(body.get("cached").asBoolean()).isFalse();
    assertThat(body.get("items")).hasSize(5);
    int cluster = new ProfileGenerator(ITEMS, 8, 7).clusterOf("alice");
    body.get("items")
        .forEach(
            item ->
                assertThat(
                        EmbeddingGenerator.clusterOf(
                            ScoredItem.parseId(item.get("id").asText()).orElseThrow()))
                    .isEqualTo(cluster));
    HttpProbe.Reply second = http.get("/recommendations?user=alice&k=5");
    assertThat(second.body().get("cached").asBoolean()).isTrue();
    assertThat(second.body().get("items")).isEqualTo(body.get("items"));
    assertThat(http.metric("recommender_cache_hits_total")).isEqualTo(1);
    assertThat(http.get("/recommendations?user=bob").body().get("items")).hasSize(10);
  }

  @Test
  void unknownUsersGetPopularItemsWithoutBeingDegraded() {
    loadAndAwaitReady();
    JsonNode body = http.get("/recommendations?user=cold-7&k=3").body();
    assertThat(body.get("source").asText()).isEqualTo("popular");
    assertThat(body.get("degraded").asBoolean()).isFalse();
    assertThat(body.get("reason").asText()).isEqualTo("no_history");
    assertThat(body.get("items").get(0).get("score").asDouble()).isEqualTo(1.0);
  }

  @Test
  void profileOutageDegradesButKeepsProbesGreen() {
    loadAndAwaitReady();
    stub.setFaults(new Faults(0, 0, true));
    for (int i = 0; i < 4; i++) {
      JsonNode body = http.get("/recommendations?user=user" + i).body();
      assertThat(body.get("degraded").asBoolean()).isTrue();
      assertThat(body.get("source").asText()).isEqualTo("popular");
      assertThat(body.get("items")).hasSize(10);
    }
    assertThat(http.get("/recommendations?user=x").body().get("reason").asText())
        .isEqualTo("circuit_open");
    assertThat(http.get("/health").status()).isEqualTo(200);
    HttpProbe.Reply ready = http.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().at("/profileApi/circuit").asText()).isEqualTo("open");
    assertThat(ready.body().at("/profileApi/affectsReadiness").asBoolean()).isFalse();
    assertThat(http.metric("recommender_degraded_responses_total{reason=\"profile_error\"}"))
        .isPositive();
    assertThat(http.metric("recommender_profile_circuit_state{state=\"open\"}")).isEqualTo(1);
    // Degraded answers are not cached: personalisation returns with the API.
    stub.setFaults(Faults.none());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !http.get("/recommendations?user=user0").body().get("degraded").asBoolean());
  }

  @Test
  void badInputIsA400NamingTheField() {
    loadAndAwaitReady();
    assertField(http.get("/recommendations"), "user");
    assertField(http.get("/recommendations?user="), "user");
    assertField(http.get("/recommendations?user=a%20b"), "user");
    assertField(http.get("/recommendations?user=alice&k=0"), "k");
    assertField(http.get("/recommendations?user=alice&k=51"), "k");
    assertField(http.get("/recommendations?user=alice&k=ten"), "k");
    assertThat(http.method("POST", "/ready").status()).isEqualTo(405);
    HttpProbe.Reply missing = http.get("/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().get("code").asText()).isEqualTo("not_found");
    assertThat(app.routes().all())
        .extracting(route -> route.path())
        .containsExactlyInAnyOrder("/startup", "/health", "/ready", "/recommendations", "/metrics");
    assertThat(http.method("HEAD", "/health").status()).isEqualTo(200);
  }

  private static void assertField(HttpProbe.Reply reply, String field) {
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("field").asText()).isEqualTo(field);
    assertThat(reply.text()).doesNotContain("Exception");
  }

  @Test
  void metricsAreServedByTheLibraryHandler() {
    loadAndAwaitReady();
    http.get("/recommendations?user=alice");
    String text = http.get("/metrics").text();
    assertThat(text)
        .contains(
            "recommender_recommendations_total",
            "recommender_cache_weight_bytes",
            "recommender_profile_circuit_state",
            "recommender_worker_heartbeat_age_seconds",
            "recommender_embeddings_load_duration_seconds");
  }
}
