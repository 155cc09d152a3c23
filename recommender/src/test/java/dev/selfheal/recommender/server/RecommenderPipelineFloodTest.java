package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.testing.LoadedRecommender;
import dev.selfheal.testsupport.PipelineFlood;
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

  private LoadedRecommender recommender;
  private RecommenderApp app;

  @BeforeEach
  void start() {
    recommender = LoadedRecommender.start(ITEMS);
    app = recommender.app();
  }

  @AfterEach
  void stop() {
    recommender.close();
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
