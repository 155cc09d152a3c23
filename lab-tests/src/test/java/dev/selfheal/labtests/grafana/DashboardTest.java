package dev.selfheal.labtests.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * grafana/model-server-dashboard.json parses, follows {@link DashboardRules}, has every panel issue
 * 13 asks for, draws the alert rules' thresholds and only names metrics that exist. That its
 * queries return data is {@code SelfHealingRunE2E}'s part.
 */
class DashboardTest {

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:model|rollback_controller|kube)_[a-z_]+)\\b");

  /** kube-state-metrics series the dashboard reads (names as kube-state-metrics 2.x exports). */
  private static final Set<String> KUBE_STATE_METRICS =
      Set.of(
          "kube_deployment_spec_replicas",
          "kube_deployment_status_replicas_ready",
          "kube_pod_container_status_restarts_total");

  private final JsonNode dashboard = Dashboard.load();

  @Test
  void followsTheRules() {
    assertThat(DashboardRules.problems(dashboard)).isEmpty();
  }

  @Test
  void theRulesCatchAHardCodedDatasourceALongDescriptionAndAnUnscopedQuery() {
    ObjectNode broken = dashboard.deepCopy();
    ObjectNode first = (ObjectNode) broken.path("panels").get(0);
    ((ObjectNode) first.path("datasource")).put("uid", "P1809F7CD0C75ACF3");
    first.put("description", "Two lines.\nOf text.");
    ((ObjectNode) first.path("targets").get(0)).put("expr", "model_accuracy");
    ObjectNode second = (ObjectNode) broken.path("panels").get(1);
    ((ObjectNode) second.path("gridPos")).put("x", 0).put("y", 0);
    broken.put("schemaVersion", 27);

    assertThat(String.join("\n", DashboardRules.problems(broken)))
        .contains(
            "schemaVersion 27",
            "P1809F7CD0C75ACF3",
            "Accuracy by model version: description is not one line",
            "Accuracy by model version [A]: not limited to $namespace and $deployment",
            "Model degraded, per pod: overlaps another panel");
  }

  @Test
  void theRulesCatchAMissingVariableAndAFixedRange() {
    ObjectNode broken = dashboard.deepCopy();
    ArrayNode variables = (ArrayNode) broken.path("templating").path("list");
    variables.remove(0);
    ObjectNode target =
        (ObjectNode) Dashboard.panel(broken, "Error rate by model version").path("targets").get(1);
    target.put("expr", target.path("expr").asText().replace("$__rate_interval", "1m"));

    assertThat(String.join("\n", DashboardRules.problems(broken)))
        .contains(
            "no variable datasource",
            "Error rate by model version [B]: range [1m] instead of [$__rate_interval]");
  }

  @Test
  void hasEveryPanelTheIssueAsksFor() {
    List<String> exprs = Dashboard.queries(dashboard).stream().map(Dashboard.Query::expr).toList();
    for (String needed :
        List.of(
            "model_accuracy{",
            "model_degraded{",
            "model_error_rate{",
            "model_request_duration_seconds_count{",
            "histogram_quantile(0.5, ",
            "histogram_quantile(0.99, ",
            "model_requests_in_flight{",
            "kube_deployment_spec_replicas{",
            "kube_deployment_status_replicas_ready{",
            "kube_pod_container_status_restarts_total{",
            "ALERTS{",
            "rollback_controller_rollbacks_total{")) {
      assertThat(exprs).as(needed).anySatisfy(e -> assertThat(e).contains(needed));
    }
    assertThat(Dashboard.queries(dashboard))
        .as("the rollback is marked on every panel")
        .anySatisfy(q -> assertThat(q.panel()).startsWith("annotation: "));
  }

  @Test
  void drawsTheThresholdsOfTheAlertRules() throws IOException {
    assertThreshold("Accuracy by model version", ruleThreshold("ModelAccuracyLow"));
    assertThreshold("Error rate by model version", ruleThreshold("ModelErrorRateHigh"));
  }

  @Test
  void namesOnlyMetricsTheServicesAndKubeStateMetricsExport() {
    String code =
        read("model-server/src/main/java/dev/selfheal/modelserver/metrics/ModelMetrics.java")
            + read(
                "rollback-controller/src/main/java/dev/selfheal/rollback/metrics/ControllerMetrics.java");
    Set<String> used = new TreeSet<>();
    for (Dashboard.Query query : Dashboard.queries(dashboard)) {
      Matcher metric = METRIC.matcher(query.expr());
      while (metric.find()) {
        used.add(metric.group(1));
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String name : used) {
      String base = name.replaceFirst("_(bucket|count|sum)$", "");
      if (!KUBE_STATE_METRICS.contains(name) && !code.contains("\"" + base + "\"")) {
        unknown.add(name);
      }
    }
    assertThat(used).hasSizeGreaterThan(10);
    assertThat(unknown).isEmpty();
  }

  private void assertThreshold(String title, double threshold) {
    JsonNode defaults = Dashboard.panel(dashboard, title).path("fieldConfig").path("defaults");
    assertThat(defaults.path("custom").path("thresholdsStyle").path("mode").asText())
        .as("%s draws its thresholds", title)
        .isNotEqualTo("off");
    List<Double> steps = new ArrayList<>();
    defaults.path("thresholds").path("steps").forEach(s -> steps.add(s.path("value").asDouble()));
    assertThat(steps).as(title).contains(threshold);
  }

  /** The number an alert rule compares with, e.g. 0.90 in {@code model_accuracy < 0.90}. */
  private static double ruleThreshold(String alert) throws IOException {
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(RepoPaths.resolve("prometheus/alerting_rules.yml").toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.path("alert").asText().equals(alert)) {
          Matcher number =
              Pattern.compile("[<>]=?\\s*([0-9.]+)\\s*$").matcher(rule.path("expr").asText());
          assertThat(number.find()).as("%s compares with a number", alert).isTrue();
          return Double.parseDouble(number.group(1));
        }
      }
    }
    throw new AssertionError("no alert " + alert);
  }

  private static String read(String path) {
    try {
      return Files.readString(RepoPaths.resolve(path));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
