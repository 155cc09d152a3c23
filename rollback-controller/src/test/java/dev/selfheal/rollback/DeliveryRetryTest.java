package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rollback refused because the API server failed is not lost: the webhook answers 503, and
 * Alertmanager's next delivery rolls back once the API server answers again. The controller's
 * client is built without request retries, so the failure reaches the controller at once.
 */
@EnableKubernetesMockClient(crud = true)
class DeliveryRetryTest {

  private static final String PATH = "/apis/apps/v1/namespaces/default/deployments/model-server";
  private static final String AUTH = "Bearer " + Webhooks.TOKEN;

  KubernetesMockServer server;
  KubernetesClient client;
  private KubernetesClient noRetries;
  private ControllerApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    if (noRetries != null) {
      noRetries.close();
    }
  }

  private void seed() throws Exception {
    Fixtures.seed(client, Instant.now());
    noRetries =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    app =
        ControllerApp.start(
            TestConfigs.config(Map.of()),
            noRetries,
            new PrometheusRegistry(),
            Clock.systemUTC(),
            null);
    await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
  }

  @Test
  void aRollbackRefusedWhileTheApiServerFailsHappensOnAlertmanagersRetry() throws Exception {
    seed();
    // The API server fails the first read of the Deployment (restarting, overloaded).
    server.expect().get().withPath(PATH).andReturn(503, "{}").once();
    String notification = Webhooks.firing(Instant.now(), Fixtures.HASH_V2);

    HttpResponse<String> first = Webhooks.post(app.port(), notification, AUTH);

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(first.body()).contains("\"decision\":\"failed\"", "could not read the Deployment");
    assertThat(client.apps().deployments().inNamespace(NS).withName(NAME).get())
        .satisfies(d -> assertThat(d.getSpec().getTemplate()).isEqualTo(Fixtures.template("v2")));

    HttpResponse<String> retry = Webhooks.post(app.port(), notification, AUTH);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).contains("\"decision\":\"rollback\"");
    assertThat(client.apps().deployments().inNamespace(NS).withName(NAME).get())
        .satisfies(d -> assertThat(d.getSpec().getTemplate()).isEqualTo(Fixtures.template("v1")));
  }

  @Test
  void decidedAlertsAreAnswered200EvenWhenNothingIsDone() throws Exception {
    seed();
    // An alert about a revision that is not current is decided (stale_revision): nothing to retry.
    HttpResponse<String> response =
        Webhooks.post(app.port(), Webhooks.firing(Instant.now(), Fixtures.HASH_V1), AUTH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    assertThat(response.body()).contains("\"decision\":\"stale_revision\"");
  }
}
