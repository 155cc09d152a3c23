package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.controller.Outcome;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.testsupport.time.MutableClock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leadership is checked again just before the patch: an instance that lost the Lease while it read
 * the Deployment and decided does not act on that decision (the new leader decides for itself), and
 * its answer is {@code not_leader}, which the webhook turns into a 503 for Alertmanager to retry.
 */
@EnableKubernetesMockClient(crud = true)
class LeadershipMovesTest extends MockClusterScenario {

  private Reconciler reconciler;

  @AfterEach
  void stop() {
    if (reconciler != null) {
      reconciler.close();
    }
  }

  private Reconciler reconciler(Clock clock) {
    ControllerMetrics metrics = new ControllerMetrics(new PrometheusRegistry());
    RollbackPolicy policy =
        new RollbackPolicy(
            Set.of(NS),
            Set.of("ModelAccuracyLow"),
            Duration.ZERO,
            3,
            2,
            Duration.ofMinutes(15),
            false);
    return new Reconciler(
        new ClusterReader(client),
        new RollbackDecider(policy),
        new RollbackExecutor(client, metrics, false, "rc-test", null),
        metrics,
        clock);
  }

  private Trigger alert() {
    return Trigger.alert("ModelAccuracyLow", NS, NAME, null, Instant.now(), true)
        .withTemplateHash(Fixtures.HASH_V2);
  }

  @Test
  void leadershipLostBetweenTheReadsAndThePatchIsNotActedOn() {
    seed();
    MutableClock clock = new MutableClock(Instant.now());
    reconciler = reconciler(clock);
    reconciler.setLeading(true);
    await().atMost(Duration.ofSeconds(10)).until(reconciler::leading);

    // The clock is read once the Deployment and its ReplicaSets have been read, before deciding.
    clock.onNextRead(() -> reconciler.setLeading(false));
    Outcome outcome = reconciler.handle(alert(), System.nanoTime());

    assertThat(outcome.reason()).isEqualTo(Reason.NOT_LEADER);
    assertThat(outcome.retryable()).isTrue();
    assertThat(image()).isEqualTo("model-server:v2");
  }

  @Test
  void aNewTermDoesNotActOnADecisionOfTheOldOne() {
    seed();
    MutableClock clock = new MutableClock(Instant.now());
    reconciler = reconciler(clock);
    reconciler.setLeading(true);
    await().atMost(Duration.ofSeconds(10)).until(reconciler::leading);

    // Lost and won again while deciding: still leading, but in another term.
    clock.onNextRead(
        () -> {
          reconciler.setLeading(false);
          reconciler.setLeading(true);
          await().atMost(Duration.ofSeconds(10)).until(reconciler::leading);
        });
    Outcome outcome = reconciler.handle(alert(), System.nanoTime());

    assertThat(outcome.reason()).isEqualTo(Reason.NOT_LEADER);
    assertThat(image()).isEqualTo("model-server:v2");
    // The next delivery, in the new term, acts.
    assertThat(reconciler.handle(alert(), System.nanoTime()).decision()).isEqualTo("rollback");
    assertThat(image()).isEqualTo("model-server:v1");
  }
}
