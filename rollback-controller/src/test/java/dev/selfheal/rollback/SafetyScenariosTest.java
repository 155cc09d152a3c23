package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The controller next to people and GitOps, against fabric8's mock API server in CRUD mode: late
 * alerts after a manual undo or a template revert, alerts about revisions that are no longer
 * current, two bad revisions in a row, restarts at awkward moments, and caps across restarts
 * ({@link MockClusterScenario} holds the cluster and the Deployment controller's part).
 */
@EnableKubernetesMockClient(crud = true)
class SafetyScenariosTest extends MockClusterScenario {

  KubernetesMockServer server;

  @AfterEach
  void stop() {
    stopApp();
  }

  @Test
  void aReappliedBadRevisionIsLeftAloneWithOneEventUntilItsMarkIsCleared() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    assertThat(image()).isEqualTo("model-server:v1");

    apply(Fixtures.template("v2"));
    assertThat(image()).isEqualTo("model-server:v2");
    for (int i = 0; i < 3; i++) {
      assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    }
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(events("RolledBack")).hasSize(1);
    assertThat(events("RollbackWithheld"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
              assertThat(e.getMessage())
                  .contains(
                      "reapplied_bad_revision",
                      "kubectl annotate rs "
                          + Fixtures.RS_V2
                          + " rollback.selfheal.dev/bad-revision-");
            });

    // The person fixed what was wrong and hands the revision back to the controller.
    clearMark(Fixtures.RS_V2);
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(events("RolledBack")).hasSize(2);
  }

  @Test
  void aGitOpsFightUsesNoCapSoAnotherDeploymentsBadReleaseStillRollsBack() throws Exception {
    seed();
    seedOther(d -> {});
    start(Map.of("COOLDOWN_SECONDS", "0", "MAX_ROLLBACKS_PER_HOUR", "2"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    // GitOps puts v2 back three times, and v2 alerts each time.
    for (int round = 0; round < 3; round++) {
      apply(Fixtures.template("v2"));
      assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    }
    assertThat(image()).isEqualTo("model-server:v2");

    String other =
        AlertWebhook.firing("ModelDegraded")
            .in(NS)
            .deployment("other")
            .hash(Fixtures.HASH_V2)
            .json();
    assertThat(Webhooks.post(app.port(), other, AUTH).body()).contains("\"decision\":\"rollback\"");
    assertThat(events("RolledBack")).hasSize(2);
  }

  @Test
  void theDryRunAnnotationOfOneDeploymentPatchesNothingThere() throws Exception {
    seed();
    Fixtures.editDeployment(
        client,
        d -> {
          d.getMetadata().getAnnotations().put("rollback.selfheal.dev/dry-run", "true");
          return d;
        });
    start(Map.of());

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"dry_run\"");
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(events("RolledBack")).isEmpty();
  }

  @Test
  void lateAlertAfterAManualUndoDoesNotRedeployTheBadRelease() throws Exception {
    seed();
    start(Map.of());
    kubectlUndoTo(Fixtures.RS_V1);
    client.pods().inNamespace(NS).withName(Fixtures.RS_V2 + "-abcde").delete();
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(Revisions.revisionOf(replicaSet(Fixtures.RS_V1))).hasValue(3);

    // The v2 pod is gone; its alert still names v2 through pod_template_hash.
    String body =
        AlertWebhook.firing("ModelDegraded")
            .in(NS)
            .deployment(NAME)
            .pod(Fixtures.RS_V2 + "-abcde")
            .hash(Fixtures.HASH_V2)
            .json();
    assertThat(Webhooks.post(app.port(), body, AUTH).body())
        .contains("\"decision\":\"stale_revision\"");
    // Without any revision label it must not guess either.
    String bare = AlertWebhook.firing("ModelDegraded").in(NS).deployment(NAME).json();
    assertThat(Webhooks.post(app.port(), bare, AUTH).body())
        .contains("\"decision\":\"revision_unknown\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(events("RolledBack")).isEmpty();
  }

  @Test
  void lateAlertAfterAGitOpsRevertDoesNotRedeployTheBadRelease() throws Exception {
    seed();
    start(Map.of());
    apply(Fixtures.template("v1"));

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"stale_revision\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(events("RolledBack")).isEmpty();
  }

  /** A new release v3 on top of the current one: its version label and image. */
  private void releaseV3OnTop() {
    Fixtures.editDeployment(
        client,
        d -> {
          d.getSpec().getTemplate().getMetadata().getLabels().put("version", "v3");
          d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("model-server:v3");
          return d;
        });
  }

  @Test
  void alertForARevisionThatIsNoLongerCurrentIsIgnored() throws Exception {
    seed();
    start(Map.of());
    // A new release v3 replaced v2 before v2's alert arrived.
    releaseV3OnTop();
    settle();

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"stale_revision\"");
    assertThat(image()).isEqualTo("model-server:v3");
  }

  @Test
  void twoBadRevisionsInARowNeverGoBackToEither() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    assertThat(image()).isEqualTo("model-server:v1");

    // v3 is released on top (revision 4) and is bad too.
    releaseV3OnTop();
    settle();
    assertThat(alert(HASH_V3)).contains("\"decision\":\"rollback\"");
    settle();
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(RollbackAnnotations.badRevision(replicaSet(NAME + "-" + HASH_V3))).isPresent();
    assertThat(RollbackAnnotations.badRevision(replicaSet(Fixtures.RS_V2))).isPresent();

    // Now v1 itself alerts: its predecessor is v3, recorded as bad. A human must choose.
    String answer = alert(Fixtures.HASH_V1);
    assertThat(answer).contains("\"decision\":\"ping_pong\"", "recorded as bad");
    assertThat(alert(Fixtures.HASH_V1)).contains("\"decision\":\"ping_pong\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(events("RolledBack")).hasSize(2);
    // A person must choose, and is told so once, on the Deployment.
    assertThat(events("RollbackWithheld"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("ping_pong", "a human must choose"));
  }

  @Test
  void restartBetweenAlertAndPatchRollsBackExactlyOnceOnRedelivery() throws Exception {
    seed();
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));
    // The patch never lands (the API server fails it); Alertmanager will deliver again.
    server
        .expect()
        .patch()
        .withPath(
            "/apis/apps/v1/namespaces/default/deployments/model-server"
                + "?fieldManager=rollback-controller")
        .andReturn(403, "{}")
        .once();
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"failed\"");
    assertThat(image()).isEqualTo("model-server:v2");

    restart(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
    // Delivered once more after the rollback: nothing else happens.
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"stale_revision\"");
    assertThat(events("RolledBack")).hasSize(1);
  }

  @Test
  void restartBetweenPatchAndRecordKeepsTheBadRevisionAndTheCap() throws Exception {
    seed();
    // The previous instance patched the Deployment back to v1 and stopped before it could record
    // v2 as bad on its ReplicaSet: only the Deployment's last-rollback annotation knows.
    RollbackRecord record =
        new RollbackRecord(
            new Revision(2, Fixtures.RS_V2, Fixtures.HASH_V2),
            new Revision(1, Fixtures.RS_V1, Fixtures.HASH_V1),
            "ModelDegraded",
            "alert",
            Instant.now().minus(Duration.ofMinutes(20)),
            false);
    Fixtures.editDeployment(
        client,
        d -> {
          d.getSpec().setTemplate(Fixtures.template("v1"));
          d.getMetadata()
              .getAnnotations()
              .put(RollbackAnnotations.LAST_ROLLBACK, RollbackAnnotations.toJson(record));
          return d;
        });
    settle();
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "2", "COOLDOWN_SECONDS", "60"));

    // v1 alerts: the only predecessor is v2, which the annotation names as rolled back from.
    assertThat(alert(Fixtures.HASH_V1)).contains("\"decision\":\"ping_pong\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  @ParameterizedTest(name = "watch enabled: {0}")
  @ValueSource(booleans = {true, false})
  void hourlyCapIsRestoredFromTheClusterBeforeTheFirstDecision(boolean watch) throws Exception {
    seed();
    // An earlier instance rolled back another Deployment ten minutes ago; that Deployment and its
    // ReplicaSets are gone since, only the Event remains.
    Instant tenMinutesAgo =
        Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
    client
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("gone.rolledback")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Deployment")
                .withNamespace(NS)
                .withName("gone")
                .endInvolvedObject()
                .withType("Warning")
                .withReason("RolledBack")
                .withReportingComponent("rollback-controller")
                .withNewSource()
                .withComponent("rollback-controller")
                .endSource()
                .withFirstTimestamp(tenMinutesAgo.toString())
                .withLastTimestamp(tenMinutesAgo.toString())
                .build())
        .create();
    Map<String, String> env =
        Map.of("MAX_ROLLBACKS_PER_HOUR", "1", "WATCH_ENABLED", Boolean.toString(watch));
    start(env);

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rate_limited\"");
    assertThat(image()).isEqualTo("model-server:v2");
  }

  @ParameterizedTest(name = "watch enabled: {0}")
  @ValueSource(booleans = {true, false})
  void ownRollbackCountsAgainstTheCapAfterARestart(boolean watch) throws Exception {
    seed();
    seedOther(d -> {});
    Map<String, String> env =
        Map.of("MAX_ROLLBACKS_PER_HOUR", "1", "WATCH_ENABLED", Boolean.toString(watch));
    start(env);
    String other =
        AlertWebhook.firing("ModelDegraded")
            .in(NS)
            .deployment("other")
            .hash(Fixtures.HASH_V2)
            .json();
    assertThat(Webhooks.post(app.port(), other, AUTH).body()).contains("\"decision\":\"rollback\"");

    // Reproduction from the issue: cap 1, a rollback minutes earlier, restart, next alert.
    restart(env);
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rate_limited\"");
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(events("RolledBack")).hasSize(1);
  }

  @Test
  void nothingToRollBackToIsRefusedWithOneEventAndAMetric() throws Exception {
    // revisionHistoryLimit 0: the Deployment controller deleted v1's ReplicaSet after the rollout.
    Deployment d = Fixtures.deployment("v2", true);
    d.getSpec().setRevisionHistoryLimit(0);
    d = client.resource(d).create();
    ReplicaSet v2 = Fixtures.replicaSet("v2", 2, Instant.now());
    v2.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    client.resource(v2).create();
    start(Map.of());

    assertThat(alert(Fixtures.HASH_V2))
        .contains("\"decision\":\"no_previous_revision\"", "revisionHistoryLimit is 0");
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"no_previous_revision\"");

    List<Event> impossible =
        client.v1().events().inNamespace(NS).list().getItems().stream()
            .filter(e -> "RollbackImpossible".equals(e.getReason()))
            .toList();
    assertThat(impossible)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
              assertThat(e.getMessage()).contains("revisionHistoryLimit is 0");
            });
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains(
            "rollback_controller_decisions_ignored_total{reason=\"no_previous_revision\",trigger=\"alert\"} 2.0");
    assertThat(image()).isEqualTo("model-server:v2");
  }
}
