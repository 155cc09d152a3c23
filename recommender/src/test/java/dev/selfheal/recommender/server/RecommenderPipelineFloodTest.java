package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.TestConfigs;
import dev.selfheal.testsupport.PipelineFlood;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One connection pipelines 8,000 {@code GET /metrics} through a 4 KiB receive buffer and never
 * reads: the recommender's probes keep answering within 1 s, direct memory stays far below the
 * pod's limit, and the attacker is closed.
 */
class RecommenderPipelineFloodTest {
  private static final int ITEMS = 300;
  private static final long DIRECT_MEMORY_BOUND = 48L * 1024 * 1024;

  private ProfileStubServer stub;
  private RecommenderApp app;

  @BeforeEach
  void start() {
    stub =
        ProfileStubServer.start(
            StubConfig.fromEnv(Map.of("PORT", "0", "PROFILE_ITEM_COUNT", Integer.toString(ITEMS))));
    RecommenderConfig config =
        TestConfigs.config(Map.of("PROFILE_API_URL", "http://127.0.0.1:" + stub.port()));
    EmbeddingSet set = new EmbeddingGenerator(16, 42).generate(ITEMS, 200);
    app =
        RecommenderApp.start(
            config,
            new PrometheusRegistry(),
            progress -> {
              progress.update(set.size(), set.size());
              return set;
            },
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    HttpProbe http = new HttpProbe(app.port());
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/ready").status() == 200);
  }

  @AfterEach
  void stop() {
    app.close();
    stub.close();
  }

  @Test
  void pipeliningClientThatNeverReadsFreezesNothing() throws Exception {
    for (String probe : new String[] {"/health", "/ready"}) {
      PipelineFlood.Outcome outcome = PipelineFlood.attack(app.port(), "/metrics", probe);
      System.out.println(
          "Pipeline flood against the recommender, probing " + probe + ": " + outcome);
      assertThat(outcome.failedProbes()).as(outcome.toString()).isZero();
      assertThat(outcome.attackerClosed()).as(outcome.toString()).isTrue();
      assertThat(outcome.directMemoryGrowth())
          .as(outcome.toString())
          .isLessThan(DIRECT_MEMORY_BOUND);
    }
  }
}
