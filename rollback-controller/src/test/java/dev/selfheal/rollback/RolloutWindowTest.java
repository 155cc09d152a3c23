package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.act.RollbackAnnotations;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rollout window against the CRUD mock, measured from when the revision became current. The
 * mock stamps every object's creationTimestamp with the real time, so the controller runs on a
 * clock set later to make the ReplicaSets old.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutWindowTest {

  KubernetesClient client;
  private ControllerApp app;
  private ReplicaSet v2;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** v1 at revision 3 (after an undo), v2 at revision 4, the Deployment at v2's template. */
  private void seed() {
    Deployment d = client.resource(Fixtures.deployment("v2", true)).create();
    ReplicaSet v1 = Fixtures.replicaSet("v1", 3, Instant.now());
    v1.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    client.resource(v1).create();
    ReplicaSet v2Seed = Fixtures.replicaSet("v2", 4, Instant.now());
    v2Seed.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    v2 = client.resource(v2Seed).create();
  }

  private void start(Clock clock) throws Exception {
    app =
        ControllerApp.start(
            TestConfigs.config(Map.of("CRASHLOOP_RESTARTS", "3")),
            client,
            new PrometheusRegistry(),
            clock,
            null);
    await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  private void condition(String reason, Instant updated) {
    Deployment d = deployment();
    Fixtures.progressing(d, reason, updated, Fixtures.RS_V2);
    client.resource(d).updateStatus();
  }

  @Test
  void reappliedOldReplicaSetIsRolledBackByTheWatch() throws Exception {
    // Exercise 3's controller option: deployment-v2.yaml applied again 25+ minutes after
    // Exercise 2; the Deployment controller re-uses v2's ReplicaSet, made back then, and, as a
    // Progressing condition exists already, reports the scale-up as ReplicaSetUpdated.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(30));
    seed();
    start(later);
    condition("ReplicaSetUpdated", later.instant());

    client.resource(Fixtures.pod(v2, "crash1", 3)).create();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> deployment().getSpec().getTemplate().equals(Fixtures.template("v1")));
    assertThat(deployment().getMetadata().getAnnotations().get(RollbackAnnotations.LAST_ROLLBACK))
        .contains("CrashLoopBackOff", "\"trigger\":\"rollout\"");
  }

  @Test
  void alertAboutALongStableRevisionDoesNotRollItBack() throws Exception {
    // v2 became current and finished its rollout 30 days before the controller's now.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(30));
    seed();
    condition("NewReplicaSetAvailable", Instant.now());
    start(later);

    HttpResponse<String> response =
        Webhooks.post(
            app.port(),
            Webhooks.firing(later.instant().minusSeconds(60)),
            "Bearer " + Webhooks.TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"decision\":\"outside_rollout_window\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));
  }
}
