package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * prometheus/alerting_rules.yml is the one source of truth for the rules: the values file embeds
 * exactly its groups, the SPEC alerts are there verbatim, every alert is documented, and the
 * Alertmanager route follows the model-health group.
 */
class RulesFileTest {

  private final JsonNode rules = ChartValues.rules();

  @Test
  void valuesFileEmbedsExactlyThePlainRulesFile() {
    JsonNode embedded = ChartValues.values().path("serverFiles").path("alerting_rules.yml");

    assertThat(embedded).isEqualTo(rules);
  }

  @Test
  void containsTheSpecAlertsVerbatim() {
    Map<String, JsonNode> health = alertsOf("model-health");

    assertThat(health.keySet())
        .containsExactly("ModelAccuracyLow", "ModelDegraded", "ModelErrorRateHigh");
    assertRule(health.get("ModelAccuracyLow"), "model_accuracy < 0.90", "30s", "critical");
    assertRule(health.get("ModelDegraded"), "model_degraded == 1", "10s", "critical");
    assertRule(health.get("ModelErrorRateHigh"), "model_error_rate > 0.1", "30s", "warning");
  }

  @Test
  void addsTheOperatorAlerts() {
    Map<String, JsonNode> ops = alertsOf("model-server-operations");

    assertThat(ops.keySet())
        .containsExactlyInAnyOrder(
            "ModelServerCrashLooping",
            "ModelServerRestarting",
            "ModelServerTargetDown",
            "ModelServerMetricsAbsent");
    assertThat(ops.get("ModelServerCrashLooping").path("expr").asText())
        .contains("kube_pod_container_status_waiting_reason")
        .contains("CrashLoopBackOff");
    assertThat(ops.get("ModelServerRestarting").path("expr").asText())
        .contains("kube_pod_container_status_restarts_total");
    assertThat(ops.get("ModelServerTargetDown").path("expr").asText())
        .contains("up{")
        .contains("== 0");
    assertThat(ops.get("ModelServerMetricsAbsent").path("expr").asText()).startsWith("absent(");
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndARunbookThatExists() throws IOException {
    Set<String> anchors = runbookAnchors();
    for (JsonNode rule : allAlerts()) {
      String name = rule.path("alert").asText();
      assertThat(rule.path("labels").path("severity").asText())
          .as(name)
          .isIn("critical", "warning");
      assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
      String runbook = rule.path("annotations").path("runbook_url").asText();
      assertThat(runbook).as(name).isEqualTo("docs/runbooks.md#" + name.toLowerCase(Locale.ROOT));
      assertThat(anchors)
          .as("sections of docs/runbooks.md")
          .contains(name.toLowerCase(Locale.ROOT));
    }
  }

  @Test
  void alertmanagerRouteCoversExactlyTheModelHealthGroup() {
    JsonNode route =
        ChartRender.alertmanagerYml(ChartValues.values()).path("route").path("routes").get(0);
    assertThat(route.path("receiver").asText()).isEqualTo("rollback-controller");
    Matcher m =
        Pattern.compile("alertname=~\"(.+)\"").matcher(route.path("matchers").get(0).asText());
    assertThat(m.matches()).as("matcher alertname=~\"A|B|C\"").isTrue();

    assertThat(new TreeSet<>(List.of(m.group(1).split("\\|"))))
        .isEqualTo(new TreeSet<>(alertsOf("model-health").keySet()));
  }

  private static void assertRule(JsonNode rule, String expr, String forDuration, String severity) {
    assertThat(rule.path("expr").asText()).isEqualTo(expr);
    assertThat(rule.path("for").asText()).isEqualTo(forDuration);
    assertThat(rule.path("labels").path("severity").asText()).isEqualTo(severity);
  }

  private Map<String, JsonNode> alertsOf(String group) {
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    for (JsonNode g : rules.path("groups")) {
      if (g.path("name").asText().equals(group)) {
        g.path("rules").forEach(r -> alerts.put(r.path("alert").asText(), r));
      }
    }
    return alerts;
  }

  private List<JsonNode> allAlerts() {
    List<JsonNode> all = new ArrayList<>();
    rules.path("groups").forEach(g -> g.path("rules").forEach(all::add));
    assertThat(all).isNotEmpty();
    return all;
  }

  /** Anchors of the Markdown headings in docs/runbooks.md, as a Markdown renderer derives them. */
  private static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(RepoPaths.resolve("docs/runbooks.md"))) {
      if (line.startsWith("#")) {
        anchors.add(
            line.replaceFirst("^#+\\s*", "")
                .trim()
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9 _-]", "")
                .replace(' ', '-'));
      }
    }
    return anchors;
  }
}
