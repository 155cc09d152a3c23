package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real resourceVersion conflicts from the CRUD mock server. The controller's read is made stale by
 * answering one GET with the Deployment as it was before someone else's change (as a lagging cache
 * or a race would); the CRUD store then refuses the patch with 409 because its resourceVersion
 * precondition no longer holds. The controller must read again and decide again.
 *
 * <p>Why not a JSON-patch {@code test} operation: the mock applies patches with zjsonpatch, whose
 * failed {@code test} throws an unchecked {@code JsonPatchException} out of the dispatcher, so no
 * response is ever written and the client waits for its timeout. A resourceVersion inside the patch
 * is checked by the mock's own {@code validateResourceVersion} and answered with a proper 409, as
 * the real API server does.
 */
@EnableKubernetesMockClient(crud = true)
class ConflictRetryTest {

  private static final String PATH = "/apis/apps/v1/namespaces/default/deployments/model-server";
  private static final String AUTH = "Bearer " + Webhooks.TOKEN;

  KubernetesMockServer server;
  KubernetesClient client;
  private ControllerApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** Seeds v1 and v2 and returns the Deployment as first stored (the stale view). */
  private Deployment seed() throws Exception {
    Deployment d = Fixtures.seed(client, Instant.now().minus(Duration.ofMinutes(5)));
    app = TestConfigs.startLeading(client, Map.of(), Duration.ofSeconds(10));
    return d;
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  /** Someone else changes the Deployment (here: a harmless annotation). */
  private void touch(String key) {
    Fixtures.editDeployment(
        client,
        d -> {
          d.getMetadata().getAnnotations().put(key, "x");
          return d;
        });
  }

  @Test
  void conflictIsRetriedWithAFreshReadAndTheRollbackHappens() throws Exception {
    Deployment stale = seed();
    touch("team.example/touched");
    server.expect().get().withPath(PATH).andReturn(200, stale).once();

    String body =
        Webhooks.post(app.port(), Webhooks.firing(Instant.now(), Fixtures.HASH_V2), AUTH).body();

    assertThat(body).contains("\"decision\":\"rollback\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v1"));
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains("rollback_controller_rollback_failures_total{reason=\"conflict\"} 1.0")
        .contains("rollback_controller_rollbacks_total{");
  }

  @Test
  void afterAConflictTheDecisionIsMadeAgainOnTheNewState() throws Exception {
    Deployment stale = seed();
    // A human undid v2 in the meantime: the fresh read shows v1, so there is nothing to do.
    Fixtures.editDeployment(
        client,
        d -> {
          d.getSpec().setTemplate(Fixtures.template("v1"));
          return d;
        });
    server.expect().get().withPath(PATH).andReturn(200, stale).once();

    String body =
        Webhooks.post(app.port(), Webhooks.firing(Instant.now(), Fixtures.HASH_V2), AUTH).body();

    assertThat(body).contains("\"decision\":\"stale_revision\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v1"));
  }

  @Test
  void aDeploymentThatKeepsChangingIsGivenUpOnAfterABoundedNumberOfAttempts() throws Exception {
    Deployment stale = seed();
    touch("team.example/touched");
    server.expect().get().withPath(PATH).andReturn(200, stale).always();

    long start = System.nanoTime();
    HttpResponse<String> response =
        Webhooks.post(app.port(), Webhooks.firing(Instant.now(), Fixtures.HASH_V2), AUTH);

    // A 5xx, so that Alertmanager (which retries only on 5xx) sends the notification again.
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body())
        .contains("\"code\":\"retry_later\"", "\"decision\":\"failed\"", "each of 3 attempts");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(Webhooks.get(app.port(), "/metrics").body())
        .contains("rollback_controller_rollback_failures_total{reason=\"conflict\"} 3.0");
    assertThat(client.apps().deployments().inNamespace(NS).withName(NAME).get())
        .satisfies(d -> assertThat(d.getSpec().getTemplate()).isEqualTo(Fixtures.template("v2")));
  }

  @Test
  void aRollbackRefusedByConflictsHappensOnAlertmanagersRetry() throws Exception {
    Deployment stale = seed();
    touch("team.example/touched");
    // Someone keeps changing the Deployment for the three attempts of the first delivery only.
    server.expect().get().withPath(PATH).andReturn(200, stale).times(3);
    String notification = Webhooks.firing(Instant.now(), Fixtures.HASH_V2);

    HttpResponse<String> first = Webhooks.post(app.port(), notification, AUTH);

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.headers().firstValue("Retry-After")).isPresent();
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v2"));

    // The cause has cleared; Alertmanager sends the same notification again.
    HttpResponse<String> retry = Webhooks.post(app.port(), notification, AUTH);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).contains("\"decision\":\"rollback\"");
    assertThat(deployment().getSpec().getTemplate()).isEqualTo(Fixtures.template("v1"));
  }
}
