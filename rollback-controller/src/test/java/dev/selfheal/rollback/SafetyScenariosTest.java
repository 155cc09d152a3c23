package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.rollback.act.KubectlUndo;
import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The controller next to people and GitOps, against fabric8's mock API server in CRUD mode: late
 * alerts after a manual undo or a template revert, alerts about revisions that are no longer
 * current, two bad revisions in a row, restarts at awkward moments, and caps across restarts. The
 * mock runs no Deployment controller; {@link #settle()} does the part of its work these scenarios
 * need (the ReplicaSet matching the template becomes the newest revision, a new template gets a
 * ReplicaSet).
 */
@EnableKubernetesMockClient(crud = true)
class SafetyScenariosTest {

  private static final String HASH_V3 = "9c8b7a6d5f";
  private static final String AUTH = "Bearer " + Webhooks.TOKEN;

  KubernetesMockServer server;
  KubernetesClient client;
  private ControllerApp app;
  private String uid;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** model-server at v2 (revision 2) with v1 (revision 1) before it and a v2 pod. */
  private void seed() {
    Deployment d = client.resource(Fixtures.deployment("v2", true)).create();
    uid = d.getMetadata().getUid();
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, Instant.now().minus(Duration.ofDays(1)));
    v1.getMetadata().setAnnotations(new HashMap<>(v1.getMetadata().getAnnotations()));
    v1.getMetadata().getAnnotations().put("kubernetes.io/change-cause", "release v1");
    v1.getMetadata().getOwnerReferences().get(0).setUid(uid);
    client.resource(v1).create();
    ReplicaSet v2 = Fixtures.replicaSet("v2", 2, Instant.now());
    v2.getMetadata().getOwnerReferences().get(0).setUid(uid);
    client.resource(Fixtures.pod(client.resource(v2).create(), "abcde", 0)).create();
  }

  /** A second opted-in Deployment, "other", at v2 with v1 before it (no pods). */
  private void seedOther() {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setName("other");
    String otherUid = client.resource(d).create().getMetadata().getUid();
    for (String v : List.of("v1", "v2")) {
      ReplicaSet rs =
          Fixtures.replicaSet(v, v.equals("v1") ? 1 : 2, Instant.now().minusSeconds(60));
      rs.getMetadata()
          .setName("other-" + rs.getMetadata().getLabels().get(Revisions.TEMPLATE_HASH_LABEL));
      rs.getMetadata().setUid("other-" + rs.getMetadata().getUid());
      rs.getMetadata().getOwnerReferences().get(0).setName("other");
      rs.getMetadata().getOwnerReferences().get(0).setUid(otherUid);
      client.resource(rs).create();
    }
  }

  private void start(Map<String, String> env) throws Exception {
    app =
        ControllerApp.start(
            TestConfigs.config(env), client, new PrometheusRegistry(), Clock.systemUTC(), null);
    await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
  }

  private void restart(Map<String, String> env) throws Exception {
    app.close();
    app = null;
    start(env);
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private ReplicaSet replicaSet(String name) {
    return client.apps().replicaSets().inNamespace(NS).withName(name).get();
  }

  private String image() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private List<Event> rolledBackEvents() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "RolledBack".equals(e.getReason()))
        .toList();
  }

  private String alert(String hash) throws Exception {
    return Webhooks.post(app.port(), Webhooks.firing(Instant.now(), hash), AUTH).body();
  }

  /**
   * What the Deployment controller would do next: the ReplicaSet whose template equals the
   * Deployment's becomes the newest revision (a new one is created for a new template), and the
   * Deployment's revision annotation follows.
   */
  private void settle() {
    Deployment d = deployment();
    List<ReplicaSet> owned =
        client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
            .filter(rs -> Revisions.ownedBy(rs, d))
            .toList();
    long max = owned.stream().mapToLong(rs -> Revisions.revisionOf(rs).orElse(0)).max().orElse(0);
    ReplicaSet current =
        owned.stream()
            .filter(
                rs -> Revisions.sameTemplate(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
            .findFirst()
            .orElse(null);
    long revision;
    if (current == null) {
      String v = d.getSpec().getTemplate().getMetadata().getLabels().get("version");
      ReplicaSet created = Fixtures.replicaSet("v2", max + 1, Instant.now());
      created.getMetadata().setName(NAME + "-" + HASH_V3);
      created.getMetadata().setUid("rs-uid-" + v);
      created.getMetadata().getOwnerReferences().get(0).setUid(uid);
      PodTemplateSpec t =
          new ObjectMapper().convertValue(d.getSpec().getTemplate(), PodTemplateSpec.class);
      Map<String, String> labels = new HashMap<>(t.getMetadata().getLabels());
      labels.put(Revisions.TEMPLATE_HASH_LABEL, HASH_V3);
      t.getMetadata().setLabels(labels);
      created.getMetadata().setLabels(labels);
      created.getSpec().getSelector().getMatchLabels().put(Revisions.TEMPLATE_HASH_LABEL, HASH_V3);
      created.getSpec().setTemplate(t);
      client.resource(created).create();
      revision = max + 1;
    } else if (Revisions.revisionOf(current).orElse(0) < max) {
      revision = max + 1;
      client
          .apps()
          .replicaSets()
          .inNamespace(NS)
          .withName(current.getMetadata().getName())
          .edit(
              rs -> {
                rs.getMetadata()
                    .getAnnotations()
                    .put(Revisions.REVISION_ANNOTATION, Long.toString(revision));
                return rs;
              });
    } else {
      revision = max;
    }
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            dep -> {
              Map<String, String> a =
                  dep.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(dep.getMetadata().getAnnotations());
              a.put(Revisions.REVISION_ANNOTATION, Long.toString(revision));
              dep.getMetadata().setAnnotations(a);
              return dep;
            });
  }

  /** {@code kubectl rollout undo}: template and annotations from the previous ReplicaSet. */
  private void kubectlUndoTo(String replicaSet) {
    ReplicaSet target = replicaSet(replicaSet);
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getSpec()
                  .setTemplate(
                      new ObjectMapper()
                          .convertValue(
                              Revisions.templateWithoutHash(target.getSpec().getTemplate()),
                              PodTemplateSpec.class));
              d.getMetadata()
                  .setAnnotations(
                      new HashMap<>(
                          KubectlUndo.annotations(
                              d.getMetadata().getAnnotations(),
                              target.getMetadata().getAnnotations())));
              return d;
            });
    settle();
  }

  /** A GitOps tool applies the v1 manifest again: only the template changes. */
  private void gitOpsRevertToV1() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getSpec().setTemplate(Fixtures.template("v1"));
              return d;
            });
    settle();
  }

  /** A person or a GitOps tool applies the v2 manifest again: the old v2 ReplicaSet is re-used. */
  private void reapplyV2() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getSpec().setTemplate(Fixtures.template("v2"));
              return d;
            });
    settle();
  }

  private List<Event> withheldEvents() {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "RollbackWithheld".equals(e.getReason()))
        .toList();
  }

  /** {@code kubectl annotate rs <name> rollback.selfheal.dev/bad-revision-}. */
  private void clearMark(String replicaSet) {
    client
        .apps()
        .replicaSets()
        .inNamespace(NS)
        .withName(replicaSet)
        .edit(
            rs -> {
              Map<String, String> a = new HashMap<>(rs.getMetadata().getAnnotations());
              a.remove(RollbackAnnotations.BAD_REVISION);
              rs.getMetadata().setAnnotations(a);
              return rs;
            });
  }

  @Test
  void aReappliedBadRevisionIsLeftAloneWithOneEventUntilItsMarkIsCleared() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    assertThat(image()).isEqualTo("model-server:v1");

    reapplyV2();
    assertThat(image()).isEqualTo("model-server:v2");
    for (int i = 0; i < 3; i++) {
      assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    }
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(rolledBackEvents()).hasSize(1);
    assertThat(withheldEvents())
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
    assertThat(rolledBackEvents()).hasSize(2);
  }

  @Test
  void aGitOpsFightUsesNoCapSoAnotherDeploymentsBadReleaseStillRollsBack() throws Exception {
    seed();
    seedOther();
    start(Map.of("COOLDOWN_SECONDS", "0", "MAX_ROLLBACKS_PER_HOUR", "2"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    // GitOps puts v2 back three times, and v2 alerts each time.
    for (int round = 0; round < 3; round++) {
      reapplyV2();
      assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    }
    assertThat(image()).isEqualTo("model-server:v2");

    String other =
        Webhooks.payload(
            "firing",
            Instant.now(),
            Map.of(
                "alertname",
                "ModelDegraded",
                "namespace",
                NS,
                "deployment",
                "other",
                "pod_template_hash",
                Fixtures.HASH_V2));
    assertThat(Webhooks.post(app.port(), other, AUTH).body()).contains("\"decision\":\"rollback\"");
    assertThat(rolledBackEvents()).hasSize(2);
  }

  @Test
  void theDryRunAnnotationOfOneDeploymentPatchesNothingThere() throws Exception {
    seed();
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put("rollback.selfheal.dev/dry-run", "true");
              return d;
            });
    start(Map.of());

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"dry_run\"");
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(rolledBackEvents()).isEmpty();
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
        Webhooks.payload(
            "firing",
            Instant.now(),
            Map.of(
                "alertname",
                "ModelDegraded",
                "namespace",
                NS,
                "deployment",
                NAME,
                "pod",
                Fixtures.RS_V2 + "-abcde",
                "pod_template_hash",
                Fixtures.HASH_V2));
    assertThat(Webhooks.post(app.port(), body, AUTH).body())
        .contains("\"decision\":\"stale_revision\"");
    // Without any revision label it must not guess either.
    String bare =
        Webhooks.payload(
            "firing",
            Instant.now(),
            Map.of("alertname", "ModelDegraded", "namespace", NS, "deployment", NAME));
    assertThat(Webhooks.post(app.port(), bare, AUTH).body())
        .contains("\"decision\":\"revision_unknown\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(rolledBackEvents()).isEmpty();
  }

  @Test
  void lateAlertAfterAGitOpsRevertDoesNotRedeployTheBadRelease() throws Exception {
    seed();
    start(Map.of());
    gitOpsRevertToV1();

    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"stale_revision\"");
    assertThat(image()).isEqualTo("model-server:v1");
    assertThat(rolledBackEvents()).isEmpty();
  }

  @Test
  void alertForARevisionThatIsNoLongerCurrentIsIgnored() throws Exception {
    seed();
    start(Map.of());
    // A new release v3 replaced v2 before v2's alert arrived.
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getSpec().getTemplate().getMetadata().getLabels().put("version", "v3");
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("model-server:v3");
              return d;
            });
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
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            d -> {
              d.getSpec().getTemplate().getMetadata().getLabels().put("version", "v3");
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("model-server:v3");
              return d;
            });
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
    assertThat(rolledBackEvents()).hasSize(2);
    // A person must choose, and is told so once, on the Deployment.
    assertThat(withheldEvents())
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
    assertThat(rolledBackEvents()).hasSize(1);
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
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName(NAME)
        .edit(
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
    seedOther();
    Map<String, String> env =
        Map.of("MAX_ROLLBACKS_PER_HOUR", "1", "WATCH_ENABLED", Boolean.toString(watch));
    start(env);
    String other =
        Webhooks.payload(
            "firing",
            Instant.now(),
            Map.of(
                "alertname",
                "ModelDegraded",
                "namespace",
                NS,
                "deployment",
                "other",
                "pod_template_hash",
                Fixtures.HASH_V2));
    assertThat(Webhooks.post(app.port(), other, AUTH).body()).contains("\"decision\":\"rollback\"");

    // Reproduction from the issue: cap 1, a rollback minutes earlier, restart, next alert.
    restart(env);
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rate_limited\"");
    assertThat(image()).isEqualTo("model-server:v2");
    assertThat(rolledBackEvents()).hasSize(1);
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
