package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against fabric8's mock API server in CRUD mode, with webhooks delivered over real
 * HTTP. The mock runs no Deployment controller, so the tests seed ReplicaSets and pods themselves
 * and assert on the Deployment's spec.template.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerMockServerTest {

  KubernetesMockServer server;
  KubernetesClient client;
  private ControllerApp app;
  private Instant v2Created = Instant.now();
  private ReplicaSet v2;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private void seed(boolean optedIn) {
    Deployment d = client.resource(Fixtures.deployment("v2", optedIn)).create();
    // The mock server assigns its own UID; owner references must carry it.
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, Instant.now().minus(Duration.ofDays(1)));
    v1.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    client.resource(v1).create();
    ReplicaSet v2Seed = Fixtures.replicaSet("v2", 2, Instant.now());
    v2Seed.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    v2 = client.resource(v2Seed).create();
    // The mock also stamps its own creationTimestamp (second precision), so alerts start later.
    v2Created = Instant.parse(v2.getMetadata().getCreationTimestamp());
    client.resource(Fixtures.pod(v2, "abcde", 0)).create();
  }

  private void start(Map<String, String> env) throws Exception {
    app =
        ControllerApp.start(
            TestConfigs.config(env), client, new PrometheusRegistry(), Clock.systemUTC(), null);
    await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }

  private static boolean atV1(Deployment d) {
    return d.getSpec().getTemplate().equals(Fixtures.template("v1"));
  }

  @Test
  void firingAlertRollsBackToPreviousTemplateAndRecordsWhy() throws Exception {
    seed(true);
    start(Map.of());

    HttpResponse<String> response =
        Webhooks.post(app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"decision\":\"rollback\"");
    Deployment after = deployment();
    assertThat(after.getSpec().getTemplate()).isEqualTo(Fixtures.template("v1"));
    assertThat(after.getSpec().getTemplate().getMetadata().getLabels())
        .doesNotContainKey(Revisions.TEMPLATE_HASH_LABEL);
    assertThat(after.getMetadata().getAnnotations().get(RollbackAnnotations.LAST_ROLLBACK))
        .contains("\"reason\":\"ModelAccuracyLow\"", "\"revision\":2", "\"revision\":1");
    // The bad revision is recorded on its own ReplicaSet, where a manual undo cannot wipe it.
    ReplicaSet v2After = client.apps().replicaSets().inNamespace(NS).withName(Fixtures.RS_V2).get();
    assertThat(RollbackAnnotations.badRevision(v2After))
        .hasValueSatisfying(
            r -> {
              assertThat(r.from().templateHash()).isEqualTo(Fixtures.HASH_V2);
              assertThat(r.to().replicaSet()).isEqualTo(Fixtures.RS_V1);
              assertThat(r.reason()).isEqualTo("ModelAccuracyLow");
            });
    assertThat(events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo(RollbackExecutor.EVENT_REASON);
              assertThat(e.getInvolvedObject().getName()).isEqualTo(NAME);
              assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
              assertThat(e.getMessage()).contains("revision 2", "revision 1");
            });
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains(
            "rollback_controller_rollbacks_total{deployment=\"model-server\",namespace=\"default\",reason=\"ModelAccuracyLow\"} 1.0");

    // Alertmanager repeats notifications: an identical delivery must change nothing.
    String version = after.getMetadata().getResourceVersion();
    HttpResponse<String> again =
        Webhooks.post(app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("\"decision\":\"stale_revision\"");
    assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(events()).hasSize(1);
  }

  @Test
  void podLabelIsResolvedThroughItsReplicaSet() throws Exception {
    seed(true);
    start(Map.of());
    String body =
        Webhooks.payload(
            "firing",
            v2Created,
            Map.of(
                "alertname", "ModelDegraded", "namespace", NS, "pod", Fixtures.RS_V2 + "-abcde"));

    assertThat(Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN).body())
        .contains("\"decision\":\"rollback\"");
    assertThat(atV1(deployment())).isTrue();

    // The same pod's alert again: its ReplicaSet is no longer the current revision.
    assertThat(Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN).body())
        .contains("\"decision\":\"stale_revision\"");
    assertThat(events()).hasSize(1);
  }

  @Test
  void resolvedAlertChangesNothing() throws Exception {
    seed(true);
    start(Map.of());
    String body =
        Webhooks.payload(
            "resolved",
            v2Created,
            Map.of("alertname", "ModelAccuracyLow", "namespace", NS, "deployment", NAME));
    HttpResponse<String> response = Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"decision\":\"alert_resolved\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
    assertThat(events()).isEmpty();
  }

  @Test
  void progressDeadlineExceededIsRolledBackByTheWatch() throws Exception {
    seed(true);
    start(Map.of());
    Deployment d = deployment();
    d.setStatus(
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("False")
                    .withReason("ProgressDeadlineExceeded")
                    .withMessage("ReplicaSet \"" + Fixtures.RS_V2 + "\" has timed out progressing.")
                    .build())
            .build());
    client.resource(d).updateStatus();

    await().atMost(Duration.ofSeconds(10)).until(() -> atV1(deployment()));
    assertThat(deployment().getMetadata().getAnnotations().get(RollbackAnnotations.LAST_ROLLBACK))
        .contains("ProgressDeadlineExceeded", "\"trigger\":\"rollout\"");
    // The condition stays (no Deployment controller here) and the watch keeps re-assessing:
    // it names the old ReplicaSet, so nothing more happens.
    String version = deployment().getMetadata().getResourceVersion();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> deployment().getMetadata().getResourceVersion().equals(version));
    assertThat(events()).hasSize(1);
  }

  @Test
  void crashLoopingNewRevisionIsRolledBackByTheWatch() throws Exception {
    seed(true);
    start(Map.of("CRASHLOOP_RESTARTS", "3"));
    Pod looping = Fixtures.pod(v2, "crash1", 4);
    client.resource(looping).create();

    await().atMost(Duration.ofSeconds(10)).until(() -> atV1(deployment()));
    assertThat(deployment().getMetadata().getAnnotations().get(RollbackAnnotations.LAST_ROLLBACK))
        .contains("CrashLoopBackOff");
  }

  @Test
  void dryRunDecidesButPatchesNothing() throws Exception {
    seed(true);
    start(Map.of("DRY_RUN", "true"));
    String version = deployment().getMetadata().getResourceVersion();

    HttpResponse<String> response =
        Webhooks.post(app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN);

    assertThat(response.body()).contains("\"decision\":\"dry_run\"");
    assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
    assertThat(events()).isEmpty();
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains("rollback_controller_dry_run_rollbacks_total{deployment=\"model-server\"");
  }

  @Test
  void unknownDeploymentIsALoggedNoOp() throws Exception {
    seed(true);
    start(Map.of());
    String body = AlertWebhook.firing("ModelAccuracyLow").in(NS).deployment("nope").json();
    HttpResponse<String> response = Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"decision\":\"deployment_not_found\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
  }

  @Test
  void deploymentThatDidNotOptInIsLeftAlone() throws Exception {
    seed(false);
    start(Map.of());
    HttpResponse<String> response =
        Webhooks.post(app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN);
    assertThat(response.body()).contains("\"decision\":\"not_opted_in\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
  }

  @Test
  void probesReflectLeadership() throws Exception {
    seed(true);
    start(Map.of());
    assertThat(Webhooks.get(app.port(), "/healthz").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = Webhooks.get(app.port(), "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"leader\":true");
    assertThat(client.leases().inNamespace(NS).withName("rollback-controller").get())
        .satisfies(
            lease ->
                assertThat(lease.getSpec().getHolderIdentity())
                    .isEqualTo("rollback-controller-test"));
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains("rollback_controller_leader 1.0");
    assertThat(Webhooks.get(app.port(), "/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void badRequestsGetAClear4xxAndPatchNothing() throws Exception {
    seed(true);
    start(Map.of());
    String version = deployment().getMetadata().getResourceVersion();
    String good = Webhooks.firing(v2Created);
    String auth = "Bearer " + Webhooks.TOKEN;

    HttpResponse<String> missing = Webhooks.post(app.port(), good, null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(missing.body()).contains("missing bearer token");
    assertThat(Webhooks.post(app.port(), good, "Bearer wrong-token-0123456789").statusCode())
        .isEqualTo(401);
    assertThat(Webhooks.post(app.port(), good, "Basic " + Webhooks.TOKEN).statusCode())
        .isEqualTo(401);

    HttpResponse<String> malformed = Webhooks.post(app.port(), "{\"version\":", auth);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("\"field\":\"body\"").doesNotContain("Exception");
    HttpResponse<String> wrongVersion =
        Webhooks.post(app.port(), good.replace("\"version\":\"4\"", "\"version\":\"3\""), auth);
    assertThat(wrongVersion.statusCode()).isEqualTo(400);
    assertThat(wrongVersion.body()).contains("\"field\":\"version\"");
    HttpResponse<String> noLabels =
        Webhooks.post(app.port(), AlertWebhook.firing("ModelAccuracyLow").in(NS).json(), auth);
    assertThat(noLabels.statusCode()).isEqualTo(400);
    assertThat(noLabels.body()).contains("alerts[0].labels.deployment");
    HttpResponse<String> huge = Webhooks.post(app.port(), good + " ".repeat(70_000), auth);
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(Webhooks.post(app.port(), good, auth, "text/plain").statusCode()).isEqualTo(415);
    assertThat(Webhooks.get(app.port(), "/alerts").statusCode()).isEqualTo(405);

    assertThat(deployment().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(events()).isEmpty();
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains("rollback_controller_webhook_requests_total{code=\"401\"} 3.0")
        .contains("rollback_controller_webhook_requests_total{code=\"400\"} 3.0")
        .contains("rollback_controller_webhook_requests_total{code=\"413\"} 1.0");
  }

  @Test
  void onlyTheLeaseHolderActsAndAStandbyTakesOverWhenItStops() throws Exception {
    seed(true);
    start(Map.of());
    try (ControllerApp standby =
        ControllerApp.start(
            TestConfigs.config(Map.of("POD_NAME", "rollback-controller-standby")),
            client,
            new PrometheusRegistry(),
            Clock.systemUTC(),
            null)) {
      assertThat(standby.leading()).isFalse();
      HttpResponse<String> ready = Webhooks.get(standby.port(), "/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"leader\":false");
      HttpResponse<String> refused =
          Webhooks.post(standby.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));

      // The leader stops and releases the Lease: the standby takes over and acts.
      app.close();
      app = null;
      await().atMost(Duration.ofSeconds(15)).until(standby::leading);
      assertThat(
              client
                  .leases()
                  .inNamespace(NS)
                  .withName("rollback-controller")
                  .get()
                  .getSpec()
                  .getHolderIdentity())
          .isEqualTo("rollback-controller-standby");
      await().atMost(Duration.ofSeconds(10)).until(standby::watchSynced);
      assertThat(
              Webhooks.post(standby.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN)
                  .body())
          .contains("\"decision\":\"rollback\"");
    }
  }

  @Test
  void memoryFromTheClusterSurvivesARestart() throws Exception {
    seed(true);
    // What an earlier controller instance left behind: v1 of model-server was once rolled back
    // from (recorded on its ReplicaSet), and another Deployment was rolled back ten minutes ago.
    Fixtures.editReplicaSet(
        client,
        Fixtures.RS_V1,
        rs -> {
          rs.getMetadata()
              .getAnnotations()
              .put(
                  RollbackAnnotations.BAD_REVISION,
                  RollbackAnnotations.toJson(
                      new RollbackRecord(
                          new Revision(1, Fixtures.RS_V1, Fixtures.HASH_V1),
                          new Revision(0, "model-server-old", "old"),
                          "ModelDegraded",
                          "alert",
                          Instant.now().minus(Duration.ofDays(2)),
                          false)));
          return rs;
        });
    Deployment other = Fixtures.deployment("v2", true);
    other.getMetadata().setName("other");
    other
        .getMetadata()
        .getAnnotations()
        .put(
            RollbackAnnotations.LAST_ROLLBACK,
            RollbackAnnotations.toJson(
                new RollbackRecord(
                    new Revision(2, "other-b", "b"),
                    new Revision(1, "other-a", "a"),
                    "ModelDegraded",
                    "alert",
                    Instant.now().minus(Duration.ofMinutes(10)),
                    false)));
    client.resource(other).create();
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));

    assertThat(
            Webhooks.post(app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN)
                .body())
        .contains("\"decision\":\"ping_pong\"");
    Fixtures.editReplicaSet(
        client,
        Fixtures.RS_V1,
        rs -> {
          rs.getMetadata().getAnnotations().remove(RollbackAnnotations.BAD_REVISION);
          return rs;
        });
    // The watch cache sees the edit a moment later; until then the answer is still ping_pong.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        Webhooks.post(
                                app.port(), Webhooks.firing(v2Created), "Bearer " + Webhooks.TOKEN)
                            .body())
                    .contains("\"decision\":\"rate_limited\""));
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
  }
}
