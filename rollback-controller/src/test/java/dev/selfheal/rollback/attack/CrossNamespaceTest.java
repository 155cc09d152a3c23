package dev.selfheal.rollback.attack;

import static dev.selfheal.rollback.Fixtures.NAME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.MockClusterScenario;
import dev.selfheal.rollback.Webhooks;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Suspicion that held up: two Deployments with the same name and the same templates (so the same
 * pod-template-hash) in two namespaces share no memory: marks, the per-Deployment cap, the cooldown
 * and the ledger keys are per namespace/name.
 */
@EnableKubernetesMockClient(crud = true)
class CrossNamespaceTest extends MockClusterScenario {

  @AfterEach
  void stop() {
    stopApp();
  }

  private void seedIn(String ns) {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setNamespace(ns);
    String u = client.resource(d).create().getMetadata().getUid();
    for (String v : new String[] {"v1", "v2"}) {
      ReplicaSet rs = Fixtures.replicaSet(v, v.equals("v1") ? 1 : 2, Instant.now());
      rs.getMetadata().setNamespace(ns);
      rs.getMetadata().setUid(ns + "-" + rs.getMetadata().getUid());
      rs.getMetadata().getOwnerReferences().get(0).setUid(u);
      client.resource(rs).create();
    }
  }

  private String alertIn(String ns) throws Exception {
    String body =
        AlertWebhook.firing("ModelDegraded").in(ns).deployment(NAME).hash(Fixtures.HASH_V2).json();
    return Webhooks.post(app.port(), body, AUTH).body();
  }

  private String image(String ns) {
    return Fixtures.image(client, ns);
  }

  @Test
  void sameNameAndHashInTwoNamespacesShareNoMemory() throws Exception {
    seedIn("default");
    seedIn("team");
    start(
        Map.of(
            "ALLOWED_NAMESPACES", "default,team",
            "MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR", "1",
            "COOLDOWN_SECONDS", "3600"));

    assertThat(alertIn("default")).contains("\"decision\":\"rollback\"");
    assertThat(alertIn("team")).contains("\"decision\":\"rollback\"");
    assertThat(image("default")).isEqualTo("model-server:v1");
    assertThat(image("team")).isEqualTo("model-server:v1");

    restart(
        Map.of(
            "ALLOWED_NAMESPACES", "default,team",
            "MAX_ROLLBACKS_PER_HOUR", "3",
            "COOLDOWN_SECONDS", "3600"));
    assertThat(alertIn("team")).contains("\"decision\":\"stale_revision\"");
  }
}
