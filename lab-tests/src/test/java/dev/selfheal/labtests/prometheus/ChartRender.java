package dev.selfheal.labtests.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds, without helm, the files the prometheus-community/prometheus chart (major 29) renders from
 * our values, so they can be checked with promtool and amtool and run by real processes.
 *
 * <p>It mirrors the chart's server ConfigMap template: {@code prometheus.yml} starts with a {@code
 * global:} block taken from {@code server.global}, followed by the rest of {@code
 * serverFiles."prometheus.yml"}; scrape jobs come from the {@code scrapeConfigs} map (keys in
 * sorted order, as Go templates range over maps; a {@code null} entry or one with {@code enabled:
 * false} is left out; {@code job_name} defaults to the key) followed by any list in {@code
 * serverFiles."prometheus.yml".scrape_configs}; when {@code alertmanager.enabled}, the chart
 * appends an {@code alerting:} block that discovers its own Alertmanager pods on port 9093. Every
 * other {@code serverFiles} key is a file next to {@code prometheus.yml} in the ConfigMap, mounted
 * at {@code /etc/config}. Alertmanager's file is {@code alertmanager.config} (without the chart's
 * {@code enabled} switch).
 *
 * <p>Values are not merged with the chart's defaults here. Instead {@link #prometheusYml} refuses
 * values that leave one of the chart's default scrape jobs unnamed, since helm would then render a
 * job this file cannot see.
 */
final class ChartRender {

  /** The chart's default scrape jobs (the keys of its {@code scrapeConfigs} map). */
  static final List<String> CHART_DEFAULT_JOBS =
      List.of(
          "prometheus",
          "kubernetes-api-servers",
          "kubernetes-nodes",
          "kubernetes-nodes-cadvisor",
          "kubernetes-service-endpoints",
          "kubernetes-service-endpoints-slow",
          "prometheus-pushgateway",
          "kubernetes-services",
          "kubernetes-pods",
          "kubernetes-pods-slow");

  /** Where the chart mounts the server ConfigMap. */
  static final String CONFIG_DIR = "/etc/config";

  /** Release name and namespace of the lab's install command (SPEC section 1). */
  static final String RELEASE_NAME = "prometheus";

  static final String RELEASE_NAMESPACE = "monitoring";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ChartRender() {}

  /** The {@code prometheus.yml} the chart renders from {@code values}. */
  static ObjectNode prometheusYml(JsonNode values) {
    JsonNode serverFile = values.path("serverFiles").path("prometheus.yml");
    if (serverFile.has("global")) {
      throw new IllegalArgumentException(
          "serverFiles.\"prometheus.yml\".global: the chart writes global from server.global, a second"
              + " global key makes Prometheus reject the file");
    }
    JsonNode jobs = values.path("scrapeConfigs");
    List<String> unnamed = new ArrayList<>();
    for (String job : CHART_DEFAULT_JOBS) {
      if (!jobs.has(job)) {
        unnamed.add(job);
      }
    }
    if (!unnamed.isEmpty()) {
      throw new IllegalArgumentException(
          "scrapeConfigs does not name the chart's default jobs "
              + unnamed
              + " (set enabled: false or define them)");
    }

    ObjectNode out = NODES.objectNode();
    out.set("global", values.path("server").path("global").deepCopy());
    for (Map.Entry<String, JsonNode> field : serverFile.properties()) {
      if (!field.getKey().equals("scrape_configs")) {
        out.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    ArrayNode scrapeConfigs = out.putArray("scrape_configs");
    Map<String, JsonNode> sorted = new TreeMap<>();
    jobs.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach(
        (key, job) -> {
          if (job == null || job.isNull() || !job.path("enabled").asBoolean(true)) {
            return;
          }
          ObjectNode rendered = NODES.objectNode();
          rendered.put("job_name", job.path("job_name").asText(key));
          job.properties()
              .forEach(
                  f -> {
                    if (!f.getKey().equals("enabled") && !f.getKey().equals("job_name")) {
                      rendered.set(f.getKey(), f.getValue().deepCopy());
                    }
                  });
          scrapeConfigs.add(rendered);
        });
    serverFile.path("scrape_configs").forEach(job -> scrapeConfigs.add(job.deepCopy()));

    if (values.path("alertmanager").path("enabled").asBoolean(false)) {
      out.set("alerting", chartAlertingBlock());
    }
    return out;
  }

  /**
   * The chart's {@code alerting:} block: its own Alertmanager pods, found through Kubernetes
   * discovery.
   */
  private static ObjectNode chartAlertingBlock() {
    ObjectNode am = NODES.objectNode();
    am.putArray("kubernetes_sd_configs").addObject().put("role", "pod");
    am.putObject("tls_config")
        .put("ca_file", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
    am.put("bearer_token_file", "/var/run/secrets/kubernetes.io/serviceaccount/token");
    ArrayNode relabel = am.putArray("relabel_configs");
    keep(relabel, "__meta_kubernetes_namespace", RELEASE_NAMESPACE);
    keep(relabel, "__meta_kubernetes_pod_label_app_kubernetes_io_instance", RELEASE_NAME);
    keep(relabel, "__meta_kubernetes_pod_label_app_kubernetes_io_name", "alertmanager");
    keep(relabel, "__meta_kubernetes_pod_container_port_number", "9093");
    ObjectNode alerting = NODES.objectNode();
    alerting.putArray("alertmanagers").add(am);
    return alerting;
  }

  private static void keep(ArrayNode relabel, String sourceLabel, String regex) {
    ObjectNode rule = relabel.addObject();
    rule.putArray("source_labels").add(sourceLabel);
    rule.put("regex", regex);
    rule.put("action", "keep");
  }

  /** The server ConfigMap's other files ({@code alerting_rules.yml}, ...), by file name. */
  static Map<String, JsonNode> serverFiles(JsonNode values) {
    Map<String, JsonNode> files = new TreeMap<>();
    values
        .path("serverFiles")
        .properties()
        .forEach(
            f -> {
              if (!f.getKey().equals("prometheus.yml")) {
                files.put(f.getKey(), f.getValue());
              }
            });
    return files;
  }

  /** The {@code alertmanager.yml} the chart's Alertmanager gets. */
  static ObjectNode alertmanagerYml(JsonNode values) {
    ObjectNode config = (ObjectNode) values.path("alertmanager").path("config").deepCopy();
    config.remove("enabled");
    return config;
  }

  /**
   * Writes {@code prometheus.yml} and the other server files into {@code dir}, as the ConfigMap
   * mount would hold them, with {@code rule_files} entries under {@code /etc/config} pointed at
   * {@code dir}.
   *
   * @return the path of the written {@code prometheus.yml}
   */
  static Path writeServerConfig(JsonNode values, ObjectNode prometheusYml, Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, JsonNode> file : serverFiles(values).entrySet()) {
        ChartValues.write(dir.resolve(file.getKey()), file.getValue());
      }
      ObjectNode config = prometheusYml.deepCopy();
      ArrayNode ruleFiles = NODES.arrayNode();
      config
          .path("rule_files")
          .forEach(
              f -> {
                String path = f.asText();
                ruleFiles.add(
                    path.startsWith(CONFIG_DIR + "/")
                        ? dir.resolve(path.substring(CONFIG_DIR.length() + 1)).toString()
                        : path);
              });
      config.set("rule_files", ruleFiles);
      Path out = dir.resolve("prometheus.yml");
      ChartValues.write(out, config);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rendered config into " + dir, e);
    }
  }
}
