package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.testsupport.time.MutableClock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Liveness through the real wiring, with a one-second stall threshold: the leader's watch worker
 * beats while it waits for work and a standby's idle one passes, however long they run; a watch
 * worker stuck in one Deployment fails {@code /health} with a reason naming it, and passes again
 * once it moves on.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerLivenessTest extends MockClusterScenario {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ONE_SECOND = Map.of("WORKER_STALL_SECONDS", "1");

  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    stopApp();
  }

  private static JsonNode health(ControllerApp app) throws Exception {
    return JSON.readTree(Webhooks.get(app.port(), "/health").body());
  }

  private static int status(ControllerApp app) throws Exception {
    return Webhooks.get(app.port(), "/health").statusCode();
  }

  @Test
  void aWaitingLeaderAndAnIdleStandbyStayAlivePastTheThreshold() throws Exception {
    seed();
    start(ONE_SECOND);
    Map<String, String> standbyEnv =
        Map.of("WORKER_STALL_SECONDS", "1", "POD_NAME", "rollback-controller-standby");
    try (ControllerApp standby =
        ControllerApp.start(
            TestConfigs.config(standbyEnv),
            client,
            new PrometheusRegistry(),
            Clock.systemUTC(),
            null)) {
      assertThat(standby.leading()).isFalse();
      await()
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> status(app) == 200 && status(standby) == 200);
      assertThat(health(app).path("status").asText()).isEqualTo("alive");
      assertThat(health(app).at("/checks/0/reason").asText()).startsWith("last progress");
      assertThat(health(standby).at("/checks/0/reason").asText()).startsWith("idle");
    }
  }

  @Test
  void aWatchWorkerStuckInOneDeploymentFailsLivenessUntilItMovesOn() throws Exception {
    seed();
    MutableClock clock = new MutableClock(Instant.now());
    start(ONE_SECOND, clock);
    // The watch worker reads the clock while it assesses a Deployment (every resync, 1 s here):
    // hold it there. Another thread's reading passes the hook on.
    Runnable[] hold = new Runnable[1];
    hold[0] =
        () -> {
          if (Thread.currentThread().getName().equals("rollout-watch")) {
            awaitRelease();
          } else {
            clock.onNextRead(hold[0]);
          }
        };
    clock.onNextRead(hold[0]);

    await().atMost(Duration.ofSeconds(10)).until(() -> status(app) == 503);
    JsonNode dead = health(app);
    assertThat(dead.path("status").asText()).isEqualTo("dead");
    assertThat(dead.at("/checks/0/name").asText()).isEqualTo("watch_worker");
    assertThat(dead.at("/checks/0/reason").asText())
        .contains("limit 1000 ms")
        .endsWith("watch worker stuck");
    assertThat(dead.at("/checks/1/pass").asBoolean()).isTrue();

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> status(app) == 200);
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
