package dev.selfheal.rollback.attack;

import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.MockClusterScenario;
import dev.selfheal.rollback.Webhooks;
import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Adversarial review of the rollback controller (issue 17's rework). Each test states what the
 * documentation promises and fails while the controller does otherwise.
 */
@EnableKubernetesMockClient(crud = true)
class AdversarialFindingsTest extends MockClusterScenario {

  @AfterEach
  void stop() {
    stopApp();
  }

  // ---------------------------------------------------------------- (b) lost rollbacks

  /**
   * A per-Deployment dry run reserves a place in the global hourly ledger and never gives it back:
   * the owner of "other" only wanted to watch, and a genuinely bad release of model-server is
   * refused {@code rate_limited}.
   */
  @Test
  void aDryRunDecisionUsesNoPlaceInTheGlobalHourlyCap() throws Exception {
    seed();
    seedOther(d -> d.getMetadata().getAnnotations().put("rollback.selfheal.dev/dry-run", "true"));
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));

    assertThat(alertAbout("other", Fixtures.HASH_V2)).contains("\"decision\":\"dry_run\"");
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  /**
   * After a per-Deployment dry run, the owner trusts the decision and removes the annotation; the
   * alert that was dry-run is still firing (same startsAt) and Alertmanager repeats it. The dry-run
   * "rollback" counts as the Deployment's last rollback, so the alert is {@code stale_alert}
   * forever, silently (no Event): the rollback is lost until the alert resolves and fires anew.
   */
  @Test
  void removingTheDryRunAnnotationLetsTheStillFiringAlertRollBack() throws Exception {
    seed();
    annotateDeployment("rollback.selfheal.dev/dry-run", "true");
    // The alert started now; Alertmanager's group_wait, evaluation and `for` put its first
    // delivery a couple of minutes later: the controller's clock is that much further on.
    Instant startsAt = Instant.now();
    start(Map.of("COOLDOWN_SECONDS", "0"), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));

    assertThat(alert(Fixtures.HASH_V2, startsAt)).contains("\"decision\":\"dry_run\"");
    annotateDeployment("rollback.selfheal.dev/dry-run", null);

    // repeat_interval later, the same alert (same startsAt) is delivered again.
    assertThat(alert(Fixtures.HASH_V2, startsAt)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  /**
   * The same dry-run "rollback", once more: the next decision is {@code cooldown}, and a Warning
   * Event tells people "last rollback at ...; roll back by hand if it cannot wait" about a
   * Deployment that was never rolled back. (Per-Deployment dry run; the global DRY_RUN writes no
   * Event.)
   */
  @Test
  void aDryRunDecisionIsNotReportedAsALastRollbackInAnEvent() throws Exception {
    seed();
    annotateDeployment("rollback.selfheal.dev/dry-run", "true");
    start(Map.of());
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"dry_run\"");
    alert(Fixtures.HASH_V2);

    assertThat(events("RollbackWithheld"))
        .noneSatisfy(e -> assertThat(e.getMessage()).contains("last rollback at"));
  }

  /**
   * A dry-run decision is remembered as a bad revision in the process (MemoryStore.remember with
   * dryRun=true), and the ping-pong rule does not look at the dryRun flag: v2 was never rolled
   * back, yet once it is current again and its successor v3 is bad, v2 is refused as a target.
   */
  @Test
  void aDryRunDecisionDoesNotMakeItsRevisionABadTarget() throws Exception {
    seed();
    annotateDeployment("rollback.selfheal.dev/dry-run", "true");
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"dry_run\"");
    // The owner looked: v2 was fine after all (a dependency had a bad minute). Dry run off.
    annotateDeployment("rollback.selfheal.dev/dry-run", null);

    apply(templateV3()); // v3 (revision 3) replaces v2, and is bad
    assertThat(alert(HASH_V3)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v2");
  }

  /**
   * Same, with the person also deleting the Deployment's last-rollback record: the process keeps v2
   * as bad (MemoryStore.badByDeployment is never cleared) until it restarts.
   */
  @Test
  void aClearedMarkAndRecordAreForgottenWithoutARestart() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    clearMark(Fixtures.RS_V2);
    annotateDeployment(RollbackAnnotations.LAST_ROLLBACK, null);
    clearCopiedRecords();
    apply(Fixtures.template("v2"));
    apply(templateV3());

    assertThat(alert(HASH_V3)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v2");
  }

  /** Removes the last-rollback copies settle() (the Deployment controller) put on ReplicaSets. */
  private void clearCopiedRecords() {
    for (String rs : new String[] {Fixtures.RS_V1, Fixtures.RS_V2}) {
      Fixtures.editReplicaSet(
          client,
          rs,
          r -> {
            r.getMetadata().getAnnotations().remove(RollbackAnnotations.LAST_ROLLBACK);
            return r;
          });
    }
  }

  /**
   * An annotation fixed and then broken another way in the same Deployment generation (annotations
   * do not change the generation) gets no Event: the key is generation + reason, not the problem.
   * The controller then refuses every decision about the Deployment, and on the watch path it only
   * logs at DEBUG: nobody is told.
   */
  @Test
  void aSecondInvalidAnnotationIsToldInItsOwnEvent() throws Exception {
    seed();
    start(Map.of());
    Long generation = deployment().getMetadata().getGeneration();
    annotateDeployment("rollback.selfheal.dev/cooldown-seconds", "-1");
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"invalid_override\"");
    // Fixed; then the owner asks for a dry run with a value it cannot take.
    annotateDeployment("rollback.selfheal.dev/cooldown-seconds", null);
    annotateDeployment("rollback.selfheal.dev/dry-run", "yes");
    assertThat(deployment().getMetadata().getGeneration()).isEqualTo(generation);
    assertThat(alert(Fixtures.HASH_V2))
        .contains("\"decision\":\"invalid_override\"", "rollback.selfheal.dev/dry-run");

    assertThat(events("RollbackWithheld"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("rollback.selfheal.dev/dry-run"));
  }

  // ---------------------------------------------------------------- (a)/(d) settings ignored

  /**
   * An owner who misspells the dry-run annotation ({@code dryrun}, {@code dry_run}) gets a real
   * rollback. The docs' own reason for {@code invalid_override} ("guessing could patch a Deployment
   * whose owner asked for a dry run") applies to an unknown key under the controller's prefix too.
   */
  @Test
  void aMisspelledDryRunAnnotationIsNotSilentlyIgnored() throws Exception {
    seed();
    annotateDeployment("rollback.selfheal.dev/dryrun", "true");
    start(Map.of());

    assertThat(alert(Fixtures.HASH_V2)).doesNotContain("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v2");
  }

  /**
   * The controller's own rollback replaces the Deployment's annotations with the target
   * ReplicaSet's (as kubectl does): per-Deployment settings the owner set after the target was
   * current are dropped. Here the owner's one-day cooldown goes, and a second rollback follows at
   * once.
   */
  @Test
  void theControllersOwnRollbackKeepsTheDeploymentsSettings() throws Exception {
    seed();
    annotateDeployment("rollback.selfheal.dev/cooldown-seconds", "86400");
    annotateDeployment("rollback.selfheal.dev/max-rollbacks-per-hour", "1");
    start(Map.of("COOLDOWN_SECONDS", "0", "MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR", "5"));

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    assertThat(deployment().getMetadata().getAnnotations())
        .containsEntry("rollback.selfheal.dev/cooldown-seconds", "86400")
        .containsEntry("rollback.selfheal.dev/max-rollbacks-per-hour", "1");
  }

  // ---------------------------------------------------------------- forged / skewed records

  /**
   * One RolledBack Event with a future timestamp (forged by anyone who may create Events, or
   * written by a leader whose clock ran ahead) enters the hourly ledger and is never pruned: every
   * rollback in every namespace is {@code rate_limited} for as long as the timestamp is ahead.
   */
  @Test
  void aFutureDatedRolledBackEventDoesNotFillTheHourlyCap() throws Exception {
    seed();
    Instant future = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    client
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("forged.rolledback")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Deployment")
                .withNamespace(NS)
                .withName("anything")
                .endInvolvedObject()
                .withType("Warning")
                .withReason("RolledBack")
                .withReportingComponent("rollback-controller")
                .withFirstTimestamp(future.toString())
                .withLastTimestamp(future.toString())
                .build())
        .create();
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
  }

  /**
   * A last-rollback record dated in the future (hand-edited, or a previous leader's clock ahead)
   * makes every alert {@code stale_alert}: silently, no Event, no 5xx.
   */
  @Test
  void aFutureDatedLastRollbackDoesNotSilenceEveryAlert() throws Exception {
    seed();
    RollbackRecord record =
        new RollbackRecord(
            new Revision(1, "model-server-0000000000", "0000000000"),
            new Revision(0, "model-server-1111111111", "1111111111"),
            "ModelDegraded",
            "alert",
            Instant.now().plus(Duration.ofDays(2)),
            false);
    annotateDeployment(RollbackAnnotations.LAST_ROLLBACK, RollbackAnnotations.toJson(record));
    start(Map.of("COOLDOWN_SECONDS", "0"));

    String answer = alert(Fixtures.HASH_V2);
    assertThat(answer).doesNotContain("\"decision\":\"stale_alert\"");
  }

  /**
   * A record whose time is at the edge of Instant's range (hand-edited annotation, "huge values")
   * makes Instant.plus overflow in the cooldown rule: an alert without startsAt gets an HTTP 500
   * rather than a decision.
   */
  @Test
  void aHugeRecordTimeIsNotA500() throws Exception {
    seed();
    String json =
        RollbackAnnotations.toJson(
                new RollbackRecord(
                    new Revision(1, "model-server-0000000000", "0000000000"),
                    new Revision(0, "model-server-1111111111", "1111111111"),
                    "ModelDegraded",
                    "alert",
                    Instant.now(),
                    false))
            .replaceAll("\"time\":\"[^\"]+\"", "\"time\":\"+1000000000-12-31T23:59:59Z\"");
    annotateDeployment(RollbackAnnotations.LAST_ROLLBACK, json);
    start(Map.of());

    // Alertmanager's zero time stands for "unset".
    var response = Webhooks.post(app.port(), Webhooks.firing(Instant.EPOCH), AUTH);
    assertThat(response.statusCode()).isNotEqualTo(500);
  }

  // ---------------------------------------------------------------- (c) Event spam

  /**
   * "One Warning Event RollbackWithheld on the Deployment (once per Deployment generation)": the
   * memory of what was reported lives in the process, so each restart or leadership change adds
   * another Event for the same generation and reason.
   */
  @Test
  void aRestartDoesNotRepeatTheWithheldEventOfTheSameGeneration() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    apply(Fixtures.template("v2"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    assertThat(events("RollbackWithheld")).hasSize(1);

    restart(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    assertThat(events("RollbackWithheld")).hasSize(1);
  }
}
