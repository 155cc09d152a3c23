package dev.selfheal.rollback.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.ControllerApp;
import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.TestConfigs;
import dev.selfheal.rollback.Webhooks;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Records every API request the controller makes while it leads, watches and rolls back through the
 * pod-resolution path, and checks that the Role in k8s/rollback-controller.yaml allows each one and
 * grants nothing that went unused: least privilege, measured rather than asserted.
 */
@EnableKubernetesMockClient(crud = true)
class RbacCoverageTest {

  private static final String AGENT = "rollback-controller-under-test";
  private static final Pattern PATH =
      Pattern.compile(
          "/(?:api/v1|apis/([^/]+)/[^/]+)/namespaces/[^/]+/([^/?]+)(?:/([^/?]+))?(?:/[^?]*)?(\\?.*)?");

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void roleCoversExactlyTheRequestsTheControllerMakes() throws Exception {
    Deployment d = client.resource(Fixtures.deployment("v2", true)).create();
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, Instant.now());
    v1.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    client.resource(v1).create();
    ReplicaSet v2 = Fixtures.replicaSet("v2", 2, Instant.now());
    v2.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
    v2 = client.resource(v2).create();
    client.resource(Fixtures.pod(v2, "abcde", 0)).create();

    Set<String> used = new TreeSet<>();
    try (KubernetesClient controllerClient =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(AGENT).build())
            .build()) {
      ControllerApp app =
          ControllerApp.start(
              TestConfigs.config(Map.of()),
              controllerClient,
              new PrometheusRegistry(),
              Clock.systemUTC(),
              null);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
        String body =
            AlertWebhook.firing("ModelDegraded")
                .in(Fixtures.NS)
                .pod(Fixtures.RS_V2 + "-abcde")
                .json();
        assertThat(Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN).body())
            .contains("\"decision\":\"rollback\"");
        // Lease renewals happen every retry period; wait for one.
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  drain(used);
                  assertThat(used).contains("coordination.k8s.io/leases/patch/rollback-controller");
                });
      } finally {
        app.close();
      }
    }
    drain(used);

    Set<String> granted = ManifestTest.EXPECTED_RULES;
    assertThat(used)
        .as("every request is allowed by the Role")
        .allSatisfy(u -> assertThat(covered(u, granted)).as(u).isTrue());
    assertThat(granted)
        .as("every rule of the Role is used")
        .allSatisfy(
            rule ->
                assertThat(used.stream().anyMatch(u -> covered(u, Set.of(rule))))
                    .as(rule)
                    .isTrue());
  }

  private void drain(Set<String> used) throws InterruptedException {
    RecordedRequest r;
    while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      if (AGENT.equals(r.getHeader("User-Agent"))) {
        used.add(describe(r));
      }
    }
  }

  private static boolean covered(String used, Set<String> rules) {
    String anyName = used.substring(0, used.lastIndexOf('/')) + "/*";
    return rules.contains(used) || rules.contains(anyName);
  }

  /** Maps a request to apiGroup/resource/verb/name as RBAC sees it. */
  static String describe(RecordedRequest r) {
    Matcher m = PATH.matcher(r.getPath());
    assertThat(m.matches()).as("unexpected path " + r.getPath()).isTrue();
    String group = m.group(1) == null ? "" : m.group(1);
    String resource = m.group(2);
    String name = m.group(3);
    String query = m.group(4) == null ? "" : m.group(4);
    String verb =
        switch (r.getMethod()) {
          case "GET" -> name != null ? "get" : query.contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PATCH" -> "patch";
          case "PUT" -> "update";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> r.getMethod().toLowerCase(java.util.Locale.ROOT);
        };
    return group + "/" + resource + "/" + verb + "/" + (name == null ? "*" : name);
  }
}
