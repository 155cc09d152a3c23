package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.labtests.support.Binaries;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.labtests.support.ToolRunner;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real promtool (Debian package prometheus) accepts the rules, their unit tests pass, and it
 * accepts the prometheus.yml the chart renders from our values (see {@link ChartRender}; Kubernetes
 * discovery swapped for file discovery as {@link KubernetesSdSubstitute} explains).
 */
class PromtoolTest {

  @Test
  void checksTheRulesFile() {
    ToolRunner.Result result =
        ToolRunner.run(
            Binaries.PROMTOOL, RepoPaths.root(), "check", "rules", ChartValues.RULES_FILE);

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS: 7 rules found");
  }

  @Test
  void passesTheRuleUnitTests() {
    ToolRunner.Result result =
        ToolRunner.run(
            Binaries.PROMTOOL, RepoPaths.root(), "test", "rules", ChartValues.RULE_TESTS_FILE);

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void unitTestsShowEveryAlertQuietAndFiring() {
    JsonNode tests = ChartValues.read(RepoPaths.resolve(ChartValues.RULE_TESTS_FILE));
    Set<String> firing = new HashSet<>();
    Set<String> quiet = new HashSet<>();
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
      }
    }
    Set<String> alerts = new HashSet<>();
    ChartValues.rules()
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));

    assertThat(firing).isEqualTo(alerts);
    assertThat(quiet).isEqualTo(alerts);
  }

  @Test
  void acceptsTheRenderedServerConfig(@TempDir Path dir) {
    JsonNode values = ChartValues.values();
    ToolRunner.Result result = checkConfig(values, dir);

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output())
        .contains("SUCCESS: 1 rule files found")
        .contains("SUCCESS: 7 rules found");
  }

  @Test
  void wouldRejectATimeoutLongerThanTheInterval(@TempDir Path dir) {
    // Shows the check above has teeth: the chart's default timeout (10 s) with our 5 s interval is
    // refused.
    ObjectNode values = ChartValues.values().deepCopy();
    ((ObjectNode) values.path("server").path("global")).put("scrape_timeout", "10s");
    ToolRunner.Result result = checkConfig(values, dir);

    assertThat(result.succeeded()).isFalse();
    assertThat(result.output()).contains("scrape timeout greater than scrape interval");
  }

  /**
   * {@code promtool check config} on the prometheus.yml the chart renders from {@code values}, its
   * Kubernetes discovery swapped for file discovery.
   */
  private static ToolRunner.Result checkConfig(JsonNode values, Path dir) {
    ObjectNode rendered =
        KubernetesSdSubstitute.toFileSd(
            ChartRender.prometheusYml(values), dir.resolve("targets.json"));
    Path config = ChartRender.writeServerConfig(values, rendered, dir);
    return ToolRunner.run(Binaries.PROMTOOL, dir, "check", "config", config.toString());
  }

  @Test
  void kubernetesDiscoveryBlocksAreValid() {
    ObjectNode rendered = ChartRender.prometheusYml(ChartValues.values());
    int blocks = 0;
    for (JsonNode job : rendered.path("scrape_configs")) {
      for (JsonNode sd : job.path("kubernetes_sd_configs")) {
        assertThat(KubernetesSdSubstitute.problems(sd)).as(job.path("job_name").asText()).isEmpty();
        blocks++;
      }
    }
    assertThat(blocks).isEqualTo(2);
    ObjectNode bad = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    bad.put("role", "pods");
    bad.putObject("namespaces").put("own_namespace", "yes");
    assertThat(KubernetesSdSubstitute.problems(bad)).hasSize(2);
  }
}
