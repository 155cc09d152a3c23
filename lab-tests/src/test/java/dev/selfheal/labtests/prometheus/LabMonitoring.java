package dev.selfheal.labtests.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.labtests.support.HttpJson;
import dev.selfheal.labtests.support.PrometheusProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lab's monitoring configuration (as the chart renders it from k8s/prometheus-values.yaml)
 * adapted for a run with local processes: usable by any system test that needs the real Prometheus
 * and Alertmanager set-up.
 *
 * <p>Adaptations, and nothing else:
 *
 * <ul>
 *   <li>Prometheus scrapes and evaluates every second instead of every 5 s, to keep tests short.
 *   <li>Only the job {@code kubernetes-pods-annotated} is kept (the others need a cluster). Its
 *       Kubernetes discovery becomes file discovery ({@link KubernetesSdSubstitute}); {@link
 *       #writePodTargets} writes the {@code __meta_kubernetes_*} labels that discovery would attach
 *       to a pod, so the job's relabelling runs unchanged.
 *   <li>Alertmanager is a static target instead of the chart's pod discovery.
 *   <li>The rules are prometheus/alerting_rules.yml with every {@code for} divided by {@link
 *       #FOR_DIVISOR} (30 s becomes 6 s): expressions, labels and annotations are untouched.
 *   <li>Alertmanager's rollback-controller webhook points at the given URL (same token), and
 *       group_wait / group_interval are 1 s so notifications follow at once.
 * </ul>
 */
public final class LabMonitoring {

  /** Factor by which the test copy of the rules shortens each alert's {@code for}. */
  public static final int FOR_DIVISOR = 5;

  /** The annotation-driven pod job of the values file. */
  public static final String POD_JOB = "kubernetes-pods-annotated";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LabMonitoring() {}

  /**
   * A pod as Kubernetes discovery would report it.
   *
   * @param name pod name, e.g. {@code model-server-6d9f7c8b5b-k2v4x}
   * @param namespace its namespace
   * @param ownerName the owning controller's name, or null for a bare pod
   * @param ownerKind the owning controller's kind (ReplicaSet, StatefulSet...), or null for a bare
   *     pod
   * @param labels pod labels
   * @param annotations pod annotations
   * @param address {@code ip:containerPort} as discovered (the relabelling replaces the port from
   *     the annotation)
   */
  public record PodTarget(
      String name,
      String namespace,
      String ownerName,
      String ownerKind,
      Map<String, String> labels,
      Map<String, String> annotations,
      String address) {}

  /**
   * Starts a real Prometheus on the lab's configuration ({@link #writePrometheusConfig}) that
   * re-sends firing alerts every second, as the chain tests wait for them.
   */
  public static PrometheusProcess startPrometheus(
      Path dir, Path targetsFile, String alertmanagerAddress) {
    return PrometheusProcess.builder(writePrometheusConfig(dir, targetsFile, alertmanagerAddress))
        .flag("--rules.alert.resend-delay=1s")
        .start();
  }

  /**
   * Writes the Prometheus configuration and the test rules into {@code dir}.
   *
   * @param targetsFile the file-discovery file the pod job reads (see {@link #writePodTargets})
   * @param alertmanagerAddress {@code host:port} of the Alertmanager to notify
   * @return the path of prometheus.yml
   */
  public static Path writePrometheusConfig(Path dir, Path targetsFile, String alertmanagerAddress) {
    JsonNode values = ChartValues.values();
    ObjectNode rendered =
        KubernetesSdSubstitute.toFileSd(ChartRender.prometheusYml(values), targetsFile);

    ObjectNode global = (ObjectNode) rendered.path("global");
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");

    ArrayNode jobs = NODES.arrayNode();
    rendered
        .path("scrape_configs")
        .forEach(
            j -> {
              if (j.path("job_name").asText().equals(POD_JOB)) {
                jobs.add(j);
              }
            });
    rendered.set("scrape_configs", jobs);

    ObjectNode am = NODES.objectNode();
    am.putArray("static_configs").addObject().putArray("targets").add(alertmanagerAddress);
    ObjectNode alerting = NODES.objectNode();
    alerting.putArray("alertmanagers").add(am);
    rendered.set("alerting", alerting);

    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path rules = dir.resolve("alerting_rules.test.yml");
    ChartValues.write(rules, shortenedRules(ChartValues.rules()));
    rendered.putArray("rule_files").add(rules.toString());
    Path config = dir.resolve("prometheus.yml");
    ChartValues.write(config, rendered);
    return config;
  }

  /**
   * The rules with each {@code for} divided by {@link #FOR_DIVISOR} (at least 1 s unless it was 0).
   */
  static JsonNode shortenedRules(JsonNode rules) {
    JsonNode copy = rules.deepCopy();
    for (JsonNode group : copy.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("for")) {
          Duration original = ChartValues.duration(rule.path("for"));
          long seconds = original.toSeconds() / FOR_DIVISOR;
          ((ObjectNode) rule).put("for", (original.isZero() ? 0 : Math.max(1, seconds)) + "s");
        }
      }
    }
    return copy;
  }

  /**
   * Writes the Alertmanager configuration with the rollback-controller webhook pointed at {@code
   * webhookUrl}.
   *
   * @return the path of alertmanager.yml
   */
  public static Path writeAlertmanagerConfig(Path dir, URI webhookUrl) {
    return writeAlertmanagerConfig(dir, webhookUrl, "lab-test-token-" + System.nanoTime());
  }

  /**
   * Writes the Alertmanager configuration with the rollback-controller webhook pointed at {@code
   * webhookUrl} and its {@code credentials_file} (the mounted Secret in a cluster) at a local file
   * holding {@code token} and a trailing newline, as {@code kubectl create secret --from-file}
   * would.
   *
   * @return the path of alertmanager.yml
   */
  public static Path writeAlertmanagerConfig(Path dir, URI webhookUrl, String token) {
    ObjectNode config = ChartRender.alertmanagerYml(ChartValues.values());
    Path tokenFile = dir.resolve("webhook-token");
    try {
      Files.createDirectories(dir);
      Files.writeString(tokenFile, token + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode receiver : config.path("receivers")) {
      for (JsonNode webhook : receiver.path("webhook_configs")) {
        ((ObjectNode) webhook).put("url", webhookUrl.toString());
        JsonNode auth = webhook.path("http_config").path("authorization");
        if (auth.has("credentials_file")) {
          ((ObjectNode) auth).put("credentials_file", tokenFile.toString());
        }
      }
    }
    shortenGrouping((ObjectNode) config.path("route"));
    Path file = dir.resolve("alertmanager.yml");
    ChartValues.write(file, config);
    return file;
  }

  private static void shortenGrouping(ObjectNode route) {
    route.put("group_wait", "1s");
    route.put("group_interval", "1s");
    route.path("routes").forEach(r -> shortenGrouping((ObjectNode) r));
  }

  /**
   * Replaces the file-discovery file atomically (Prometheus watches it) with the given pods, each
   * carrying the meta labels Kubernetes discovery (role pod) would attach.
   */
  public static void writePodTargets(Path file, List<PodTarget> pods) {
    ArrayNode groups = NODES.arrayNode();
    for (PodTarget pod : pods) {
      ObjectNode group = groups.addObject();
      group.putArray("targets").add(pod.address());
      Map<String, String> meta = new TreeMap<>();
      meta.put("__meta_kubernetes_namespace", pod.namespace());
      meta.put("__meta_kubernetes_pod_name", pod.name());
      meta.put("__meta_kubernetes_pod_phase", "Running");
      meta.put("__meta_kubernetes_pod_node_name", "minikube");
      meta.put("__meta_kubernetes_pod_ready", "true");
      if (pod.ownerName() != null) {
        meta.put("__meta_kubernetes_pod_controller_kind", pod.ownerKind());
        meta.put("__meta_kubernetes_pod_controller_name", pod.ownerName());
      }
      pod.labels().forEach((k, v) -> meta.put("__meta_kubernetes_pod_label_" + sanitize(k), v));
      pod.annotations()
          .forEach((k, v) -> meta.put("__meta_kubernetes_pod_annotation_" + sanitize(k), v));
      ObjectNode labels = group.putObject("labels");
      meta.forEach(labels::put);
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      HttpJson.mapper().writeValue(tmp.toFile(), groups);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Label and annotation names as Kubernetes discovery turns them into label names. */
  static String sanitize(String name) {
    return name.replaceAll("[^a-zA-Z0-9_]", "_");
  }
}
