package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.testing.TestServer;
import dev.selfheal.testsupport.PipelineFlood;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One connection pipelines 8,000 {@code GET /metrics} through a 4 KiB receive buffer and never
 * reads: {@code /health} and {@code /ready} keep answering within 1 s, direct memory stays far
 * below the pod's 256 MiB, and the attacker is closed.
 */
class PipelineFloodTest {
  private static final long DIRECT_MEMORY_BOUND = 48L * 1024 * 1024;

  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(Map.of(), TestServer::realModel, dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void pipeliningClientThatNeverReadsFreezesNothing() throws Exception {
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    for (String probe : new String[] {"/health", "/ready"}) {
      PipelineFlood.Outcome outcome =
          PipelineFlood.attack(server.server().port(), "/metrics", probe);
      System.out.println(
          "Pipeline flood against the model server, probing " + probe + ": " + outcome);
      assertThat(outcome.failedProbes()).as(outcome.toString()).isZero();
      assertThat(outcome.attackerClosed()).as(outcome.toString()).isTrue();
      assertThat(outcome.directMemoryGrowth())
          .as(outcome.toString())
          .isLessThan(DIRECT_MEMORY_BOUND);
    }
  }
}
