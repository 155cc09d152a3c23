package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.support.PrometheusProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod job's relabelling, run by a real Prometheus on pods as Kubernetes discovery describes
 * them (no scrape needs to succeed: target labels are computed at discovery). Which pods are kept,
 * and which labels they get.
 */
class PodRelabellingIT {

  private static final Map<String, String> SCRAPE =
      Map.of(
          "prometheus.io/scrape", "true",
          "prometheus.io/port", "8080",
          "prometheus.io/path", "/metrics");

  @TempDir Path dir;

  @Test
  void keepsAnnotatedPodsAndDerivesTheirLabels() {
    Path targets = dir.resolve("pods.json");
    LabMonitoring.writePodTargets(
        targets,
        List.of(
            pod(
                "model-server-6d9f7c8b5b-k2v4x",
                "model-server-6d9f7c8b5b",
                "ReplicaSet",
                "model-server",
                SCRAPE),
            pod("debug-model-server", null, null, "model-server-debug", SCRAPE),
            pod("redis-0", "redis", "StatefulSet", "redis", SCRAPE),
            pod(
                "traffic-5f7d8c9b6d-abcde",
                "traffic-5f7d8c9b6d",
                "ReplicaSet",
                "traffic",
                Map.of())));
    // Alertmanager is not needed here: an address nothing listens on.
    try (PrometheusProcess prometheus =
        PrometheusProcess.builder(
                LabMonitoring.writePrometheusConfig(dir.resolve("prom"), targets, "127.0.0.1:9"))
            .start()) {
      await("targets discovered")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(prometheus.activeTargets()).hasSize(3));

      Map<String, JsonNode> byPod = new HashMap<>();
      prometheus.activeTargets().forEach(t -> byPod.put(t.path("labels").path("pod").asText(), t));

      assertThat(byPod).doesNotContainKey("traffic-5f7d8c9b6d-abcde");
      JsonNode replicaSetPod = byPod.get("model-server-6d9f7c8b5b-k2v4x").path("labels");
      assertThat(replicaSetPod.path("deployment").asText()).isEqualTo("model-server");
      assertThat(replicaSetPod.path("namespace").asText()).isEqualTo("default");
      assertThat(replicaSetPod.path("app").asText()).isEqualTo("model-server");
      assertThat(replicaSetPod.path("pod_template_hash").asText()).isEqualTo("6d9f7c8b5b");
      assertThat(replicaSetPod.path("instance").asText()).isEqualTo("10.244.0.7:8080");
      assertThat(byPod.get("model-server-6d9f7c8b5b-k2v4x").path("scrapeUrl").asText())
          .isEqualTo("http://10.244.0.7:8080/metrics");
      assertThat(byPod.get("debug-model-server").path("labels").path("deployment").asText())
          .isEqualTo("model-server-debug");
      assertThat(byPod.get("redis-0").path("labels").has("deployment")).isFalse();
    }
  }

  private static LabMonitoring.PodTarget pod(
      String name, String owner, String ownerKind, String app, Map<String, String> annotations) {
    Map<String, String> labels = new HashMap<>(Map.of("app", app));
    if ("ReplicaSet".equals(ownerKind)) {
      labels.put("pod-template-hash", owner.substring(owner.lastIndexOf('-') + 1));
    }
    return new LabMonitoring.PodTarget(
        name, "default", owner, ownerKind, labels, annotations, "10.244.0.7:80");
  }
}
