package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * k8s/prometheus-values.yaml uses the chart 29 layout (SPEC section 6) and the settings the lab
 * needs.
 */
class ValuesFileTest {

  private final JsonNode values = ChartValues.values();

  @Test
  void usesTheSubChartTogglesOfChart29() {
    assertThat(values.path("kube-state-metrics").path("enabled").asBoolean()).isTrue();
    assertThat(values.path("alertmanager").path("enabled").asBoolean()).isTrue();
    assertThat(values.path("prometheus-node-exporter").path("enabled").isBoolean()).isTrue();
    assertThat(values.path("prometheus-node-exporter").path("enabled").asBoolean()).isFalse();
    assertThat(values.path("prometheus-pushgateway").path("enabled").isBoolean()).isTrue();
    assertThat(values.path("prometheus-pushgateway").path("enabled").asBoolean()).isFalse();
    assertThat(values.path("alertmanager").path("persistence").path("enabled").isBoolean())
        .isTrue();
  }

  @Test
  void hasNoKeysThatChart29SilentlyIgnores() {
    // Layouts of older charts: accepted by helm without a word, and without effect.
    assertThat(values.has("nodeExporter")).isFalse();
    assertThat(values.has("kubeStateMetrics")).isFalse();
    assertThat(values.has("pushgateway")).isFalse();
    assertThat(values.has("alertmanagerFiles")).isFalse();
    assertThat(values.path("alertmanager").has("configMapOverrideName")).isFalse();
    assertThat(values.path("serverFiles").has("alerts")).isFalse();
    assertThat(values.path("serverFiles").has("rules")).isFalse();
  }

  @Test
  void usesOnlyTopLevelKeysTheChartReads() {
    // Helm accepts any key and ignores those the templates never read; a typo would pass silently.
    Set<String> chartKeys =
        Set.of(
            "rbac",
            "podSecurityPolicy",
            "imagePullSecrets",
            "serviceAccounts",
            "commonMetaLabels",
            "configmapReload",
            "server",
            "scrapeConfigs",
            "scrapeConfigFiles",
            "extraScrapeConfigs",
            "alertRelabelConfigs",
            "networkPolicy",
            "forceNamespace",
            "extraManifests",
            "alertmanager",
            "kube-state-metrics",
            "prometheus-node-exporter",
            "prometheus-pushgateway",
            "serverFiles",
            "ruleFiles");
    Set<String> used = new HashSet<>();
    values.fieldNames().forEachRemaining(used::add);

    assertThat(chartKeys).containsAll(used);
  }

  @Test
  void scrapesAndEvaluatesEveryFiveSeconds() {
    JsonNode global = values.path("server").path("global");

    assertThat(ChartValues.duration(global.path("scrape_interval")))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(ChartValues.duration(global.path("evaluation_interval")))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(ChartValues.duration(global.path("scrape_timeout")))
        .isLessThanOrEqualTo(ChartValues.duration(global.path("scrape_interval")));
    for (JsonNode job : ChartRender.prometheusYml(values).path("scrape_configs")) {
      if (job.has("scrape_timeout")) {
        assertThat(ChartValues.duration(job.path("scrape_timeout")))
            .as(job.path("job_name").asText())
            .isLessThanOrEqualTo(
                ChartValues.duration(
                    job.has("scrape_interval")
                        ? job.path("scrape_interval")
                        : global.path("scrape_interval")));
      }
    }
  }

  @Test
  void leavesTheGlobalBlockToTheChart() {
    JsonNode prometheusYml = values.path("serverFiles").path("prometheus.yml");

    assertThat(prometheusYml.has("global")).isFalse();
    assertThat(prometheusYml.path("scrape_configs")).isEmpty();
    assertThat(prometheusYml.path("rule_files").toString())
        .contains("/etc/config/alerting_rules.yml");
  }

  @Test
  void rendersEachJobOnceAndTheModelServerPodsThroughTheirAnnotations() {
    ObjectNode rendered = ChartRender.prometheusYml(values);
    List<String> names = new ArrayList<>();
    rendered.path("scrape_configs").forEach(j -> names.add(j.path("job_name").asText()));

    assertThat(names).doesNotHaveDuplicates();
    assertThat(names)
        .containsExactlyInAnyOrder("prometheus", "kube-state-metrics", "kubernetes-pods-annotated");
    assertThat(rendered.path("alerting").path("alertmanagers")).hasSize(1);

    JsonNode pods = job(rendered, "kubernetes-pods-annotated");
    assertThat(pods.path("kubernetes_sd_configs").get(0).path("role").asText()).isEqualTo("pod");
    String relabel = pods.path("relabel_configs").toString();
    assertThat(relabel)
        .contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape")
        .contains("__meta_kubernetes_pod_annotation_prometheus_io_port")
        .contains("__meta_kubernetes_pod_annotation_prometheus_io_path");
    // No labelmap: copying pod labels would clash with the metric's own `version` label.
    assertThat(pods.path("relabel_configs"))
        .noneMatch(r -> r.path("action").asText().equals("labelmap"))
        .noneMatch(r -> r.path("target_label").asText().equals("version"));
    assertThat(pods.path("honor_labels").asBoolean(false)).isFalse();
    for (String label :
        new String[] {"namespace", "pod", "deployment", "app", "pod_template_hash"}) {
      assertThat(pods.path("relabel_configs"))
          .as("target label %s", label)
          .anyMatch(r -> r.path("target_label").asText().equals(label));
    }
  }

  @Test
  void refusesTheMistakesOfOlderLayouts() {
    ObjectNode duplicateGlobal = values.deepCopy();
    ((ObjectNode) duplicateGlobal.path("serverFiles").path("prometheus.yml"))
        .putObject("global")
        .put("scrape_interval", "5s");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChartRender.prometheusYml(duplicateGlobal))
        .withMessageContaining("global");

    ObjectNode hiddenDefaultJob = values.deepCopy();
    ((ObjectNode) hiddenDefaultJob.path("scrapeConfigs")).remove("kubernetes-pods");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChartRender.prometheusYml(hiddenDefaultJob))
        .withMessageContaining("kubernetes-pods");
  }

  @Test
  void exposesThePrometheusServerOnANodePort() {
    assertThat(values.path("server").path("service").path("type").asText()).isEqualTo("NodePort");
  }

  @Test
  void sendsModelHealthAlertsToTheRollbackControllerWithATokenFromAMountedSecret() {
    JsonNode config = ChartRender.alertmanagerYml(values);
    JsonNode receiver = null;
    for (JsonNode r : config.path("receivers")) {
      if (r.path("name").asText().equals("rollback-controller")) {
        receiver = r;
      }
    }
    assertThat(receiver).as("receiver rollback-controller").isNotNull();
    JsonNode webhook = receiver.path("webhook_configs").get(0);

    assertThat(webhook.path("url").asText())
        .isEqualTo("http://rollback-controller.default.svc.cluster.local:8080/alerts");
    // The controller ignores resolved notifications (alert_resolved), so none are sent.
    assertThat(webhook.path("send_resolved").asBoolean(true)).isFalse();
    // Below the controller's MAX_ALERTS_PER_REQUEST default (200).
    assertThat(webhook.path("max_alerts").asInt()).isBetween(1, 200);
    JsonNode auth = webhook.path("http_config").path("authorization");
    assertThat(auth.has("credentials")).as("no token in the values file").isFalse();
    String file = auth.path("credentials_file").asText();
    JsonNode mount = null;
    for (JsonNode m : values.path("alertmanager").path("extraSecretMounts")) {
      if (file.startsWith(m.path("mountPath").asText() + "/")) {
        mount = m;
      }
    }
    assertThat(mount).as("a Secret mounted where credentials_file points: " + file).isNotNull();
    assertThat(mount.path("secretName").asText()).isEqualTo("rollback-controller-token");
    assertThat(mount.path("readOnly").asBoolean()).isTrue();
    assertThat(file).endsWith("/token");
    assertThat(config.path("route").path("receiver").asText()).isEqualTo("default");
    assertThat(ChartValues.duration(config.path("route").path("group_wait")))
        .isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(ChartValues.duration(config.path("route").path("repeat_interval")))
        .isLessThanOrEqualTo(Duration.ofHours(4));
  }

  static JsonNode job(JsonNode prometheusYml, String name) {
    for (JsonNode job : prometheusYml.path("scrape_configs")) {
      if (job.path("job_name").asText().equals(name)) {
        return job;
      }
    }
    throw new AssertionError("no scrape job " + name);
  }
}
