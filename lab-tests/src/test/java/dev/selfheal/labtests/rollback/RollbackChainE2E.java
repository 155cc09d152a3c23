package dev.selfheal.labtests.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.labtests.prometheus.LabMonitoring;
import dev.selfheal.labtests.support.AlertmanagerProcess;
import dev.selfheal.labtests.support.ModelServerProcess;
import dev.selfheal.labtests.support.PrometheusProcess;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.rollback.ControllerApp;
import dev.selfheal.rollback.config.ControllerConfig;
import dev.selfheal.testsupport.k8s.MockApiServer;
import dev.selfheal.testsupport.k8s.Workloads;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole automated-rollback chain with real processes: the real v2 model server is scraped by a
 * real Prometheus running the lab's rules (chart-rendered configuration, adapted by {@link
 * LabMonitoring}: 1 s intervals, shortened {@code for}), which notifies a real Alertmanager running
 * the values file's alertmanager.config, whose rollback-controller receiver (a bearer token
 * generated for the run, read from a file by both sides) posts to the rollback controller running
 * in this JVM against fabric8's mock API server in CRUD mode. The mock holds the lab's model-server
 * Deployment at v2 with a v1 and a v2 ReplicaSet and the v2 pod that Prometheus "discovers", so the
 * alert's {@code pod} label resolves to the Deployment exactly as in a cluster. The test ends when
 * the Deployment's template is v1's again.
 */
class RollbackChainE2E {

  private static final String NS = "default";
  private static final String NAME = "model-server";
  // Hash-like suffixes from the alphabet the Deployment controller uses (the rules' regex needs
  // it).
  private static final String HASH_V1 = "7b5c9d6f8c";
  private static final String HASH_V2 = "6d9f7c8b5b";
  private static final String RS_V1 = NAME + "-" + HASH_V1;
  private static final String RS_V2 = NAME + "-" + HASH_V2;
  private static final String V2_POD = RS_V2 + "-k2v4x";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @TempDir Path dir;

  @Test
  void v2AlertsRollTheDeploymentBackToV1ThroughPrometheusAndAlertmanager() throws Exception {
    Deployment v1Manifest = load("k8s/deployment.yaml", Deployment.class);
    Deployment v2Manifest = load("k8s/deployment-v2.yaml", Deployment.class);
    // Generated per run, as at install (EXERCISES.md); both sides read it from a file that ends in
    // a newline, as `kubectl create secret generic --from-file` makes it.
    String token = "e2e-" + UUID.randomUUID();
    Path tokenFile = dir.resolve("controller-token");
    Files.writeString(tokenFile, token + "\n");

    KubernetesMockServer api = MockApiServer.crud();
    api.init();
    try (NamespacedKubernetesClient client = api.createClient()) {
      Deployment deployment = client.resource(v2Manifest).create();
      client.resource(replicaSet(deployment, v1Manifest, HASH_V1, 1)).create();
      ReplicaSet v2Rs = client.resource(replicaSet(deployment, v2Manifest, HASH_V2, 2)).create();
      client.resource(pod(v2Rs)).create();

      Map<String, String> env = new HashMap<>();
      env.put("PORT", "0");
      env.put("WEBHOOK_TOKEN_FILE", tokenFile.toString());
      env.put("POD_NAME", "rollback-controller-e2e");
      env.put("RESYNC_SECONDS", "1");
      env.put("LEASE_DURATION_SECONDS", "6");
      env.put("RENEW_DEADLINE_SECONDS", "4");
      env.put("RETRY_PERIOD_SECONDS", "1");
      try (ControllerApp controller =
          ControllerApp.start(
              ControllerConfig.fromEnv(env),
              client,
              new PrometheusRegistry(),
              Clock.systemUTC(),
              null)) {
        await("controller leads").atMost(TIMEOUT).until(controller::leading);
        URI webhook = URI.create("http://127.0.0.1:" + controller.port() + "/alerts");
        Path targets = dir.resolve("pods.json");
        try (AlertmanagerProcess alertmanager =
                AlertmanagerProcess.start(
                    LabMonitoring.writeAlertmanagerConfig(dir.resolve("am"), webhook, token));
            ModelServerProcess v2 =
                ModelServerProcess.builder().env("MODEL_VERSION", "v2.0").start()) {
          LabMonitoring.writePodTargets(targets, List.of(target(v2Manifest, v2)));
          try (PrometheusProcess prometheus =
              LabMonitoring.startPrometheus(dir.resolve("prom"), targets, alertmanager.address())) {

            await("Deployment rolled back to v1's template")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> template(client).equals(v1Manifest.getSpec().getTemplate()));

            // The trigger came through Prometheus: its firing alert names the v2 pod and the
            // Deployment its relabelling derived.
            assertThat(prometheus.alerts())
                .anySatisfy(
                    a -> {
                      assertThat(a.path("state").asText()).isEqualTo("firing");
                      assertThat(a.path("labels").path("pod").asText()).isEqualTo(V2_POD);
                      assertThat(a.path("labels").path("deployment").asText()).isEqualTo(NAME);
                      assertThat(a.path("labels").path("pod_template_hash").asText())
                          .isEqualTo(HASH_V2);
                    });
            Deployment after = client.apps().deployments().inNamespace(NS).withName(NAME).get();
            assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("model-server:v1");
            // As with kubectl rollout undo, the restored revision's change-cause comes back.
            assertThat(after.getMetadata().getAnnotations())
                .containsEntry(
                    "kubernetes.io/change-cause",
                    v1Manifest.getMetadata().getAnnotations().get("kubernetes.io/change-cause"));
            assertThat(
                    after.getMetadata().getAnnotations().get("rollback.selfheal.dev/last-rollback"))
                .contains("\"trigger\":\"alert\"", "\"replicaSet\":\"" + RS_V1 + "\"");
            assertThat(events(client))
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("revision 2", "revision 1"));
            assertThat(metrics(controller.port()))
                .containsPattern(
                    "rollback_controller_rollbacks_total\\{deployment=\"model-server\",namespace=\"default\",reason=\"Model[A-Za-z]+\"} 1\\.0");
            // The other model alert of the v2 pod fires a little later and arrives as its own
            // notification: it is about a ReplicaSet that is no longer current, so nothing more
            // happens.
            await("a later alert about the old revision is ignored")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                    () ->
                        assertThat(metrics(controller.port()))
                            .contains(
                                "rollback_controller_decisions_ignored_total{reason=\"stale_revision\",trigger=\"alert\"}"));
            assertThat(events(client)).hasSize(1);
            assertThat(template(client)).isEqualTo(v1Manifest.getSpec().getTemplate());
          }
        }
      }
    } finally {
      api.destroy();
    }
  }

  private static <T> T load(String path, Class<T> type) throws IOException {
    try (InputStream in = Files.newInputStream(RepoPaths.resolve(path))) {
      return YAML.unmarshal(in, type);
    }
  }

  /**
   * The ReplicaSet the Deployment controller would have made for {@code release}: its template plus
   * {@code pod-template-hash}, and the release's annotations (change-cause) plus the revision.
   */
  private static ReplicaSet replicaSet(
      Deployment owner, Deployment release, String hash, long revision) {
    return Workloads.replicaSet(NS, NAME, owner.getMetadata().getUid())
        .template(release.getSpec().getTemplate())
        .hash(hash)
        .revision(revision)
        .annotations(release.getMetadata().getAnnotations())
        .replicas(revision == 2 ? 3 : 0)
        .build();
  }

  private static Pod pod(ReplicaSet rs) {
    return Workloads.pod(rs, V2_POD);
  }

  /** The v2 pod as Kubernetes discovery would show it, pointing at the real v2 process. */
  private static LabMonitoring.PodTarget target(Deployment v2Manifest, ModelServerProcess v2) {
    var template = v2Manifest.getSpec().getTemplate().getMetadata();
    Map<String, String> labels = new LinkedHashMap<>(template.getLabels());
    labels.put("pod-template-hash", HASH_V2);
    Map<String, String> annotations = new LinkedHashMap<>(template.getAnnotations());
    // The process cannot listen on 8080 here; the annotation carries its real port, and the
    // relabelling swaps it into the discovered address, as it would for the pod.
    annotations.put("prometheus.io/port", Integer.toString(v2.port()));
    return new LabMonitoring.PodTarget(
        V2_POD, NS, RS_V2, "ReplicaSet", labels, annotations, "127.0.0.1:9");
  }

  private static PodTemplateSpec template(NamespacedKubernetesClient client) {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get().getSpec().getTemplate();
  }

  private static List<Event> events(NamespacedKubernetesClient client) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "RolledBack".equals(e.getReason()))
        .toList();
  }

  private static String metrics(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
