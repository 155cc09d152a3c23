package dev.selfheal.labtests.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * k8s/grafana-values.yaml names only keys the grafana-community chart 12.x reads, points Grafana at
 * the lab's Prometheus, and mounts the dashboard the way EXERCISES.md tells learners to create it.
 */
class GrafanaValuesTest {

  /**
   * Top-level keys of the chart's values.yaml (grafana-community/helm-charts, charts/grafana, chart
   * 12.11.1, Grafana 13.2). Helm accepts any other key without a word and ignores it.
   */
  static final Set<String> CHART_KEYS =
      Set.of(
          "global",
          "rbac",
          "serviceAccount",
          "replicas",
          "headlessService",
          "automountServiceAccountToken",
          "autoscaling",
          "podDisruptionBudget",
          "deploymentStrategy",
          "progressDeadlineSeconds",
          "startupProbe",
          "readinessProbe",
          "livenessProbe",
          "image",
          "testFramework",
          "dnsPolicy",
          "dnsConfig",
          "hostUsers",
          "securityContext",
          "containerSecurityContext",
          "createConfigmap",
          "extraConfigmapMounts",
          "extraEmptyDirMounts",
          "shadowBundledPlugins",
          "extraLabels",
          "downloadDashboardsImage",
          "downloadDashboards",
          "podPortName",
          "gossipPortName",
          "service",
          "serviceMonitor",
          "extraExposePorts",
          "hostAliases",
          "ingress",
          "route",
          "listenerSet",
          "resources",
          "nodeSelector",
          "tolerations",
          "affinity",
          "topologySpreadConstraints",
          "extraInitContainers",
          "extraContainers",
          "extraContainerVolumes",
          "persistence",
          "initChownData",
          "adminUser",
          "adminPassword",
          "admin",
          "env",
          "envValueFrom",
          "envFromSecret",
          "envRenderSecret",
          "envFromSecrets",
          "envFromConfigMaps",
          "enableServiceLinks",
          "extraSecretMounts",
          "extraVolumeMounts",
          "extraVolumes",
          "lifecycleHooks",
          "plugins",
          "datasources",
          "alerting",
          "notifiers",
          "dashboardProviders",
          "defaultCurlOptions",
          "dashboards",
          "dashboardsConfigMaps",
          "grafana.ini",
          "ldap",
          "smtp",
          "sidecar",
          "namespaceOverride",
          "revisionHistoryLimit",
          "imageRenderer",
          "networkPolicy",
          "enableKubeBackwardCompatibility",
          "useStatefulSet",
          "extraObjects",
          "assertNoLeakedSecrets",
          "verticalPodAutoscaler");

  /** Where the chart mounts the ConfigMap of each dashboardsConfigMaps entry (its _pod.tpl). */
  static final String MOUNT_ROOT = "/var/lib/grafana/dashboards/";

  private final JsonNode values = read("k8s/grafana-values.yaml");

  @Test
  void usesOnlyTopLevelKeysTheChartReads() {
    Set<String> used = new HashSet<>();
    values.fieldNames().forEachRemaining(used::add);

    assertThat(used).contains("datasources", "dashboardProviders", "dashboardsConfigMaps");
    assertThat(CHART_KEYS).containsAll(used);
    assertThat(values.path("service").path("type").asText()).isEqualTo("NodePort");
    assertThat(values.path("persistence").path("enabled").isBoolean()).isTrue();
  }

  @Test
  void theDataSourceIsTheLabsPrometheusAtItsScrapeInterval() {
    JsonNode file = values.path("datasources").path("datasources.yaml");
    assertThat(file.path("apiVersion").asInt()).isEqualTo(1);
    assertThat(file.path("datasources")).hasSize(1);
    JsonNode prometheus = file.path("datasources").get(0);
    assertThat(prometheus.path("type").asText()).isEqualTo("prometheus");
    assertThat(prometheus.path("isDefault").asBoolean()).isTrue();
    // The chart's server Service of the Helm release "prometheus" (README), port 80.
    assertThat(prometheus.path("url").asText())
        .isEqualTo("http://prometheus-server.monitoring.svc");
    JsonNode prometheusValues = read("k8s/prometheus-values.yaml");
    assertThat(prometheus.path("jsonData").path("timeInterval").asText())
        .isEqualTo(prometheusValues.path("server").path("global").path("scrape_interval").asText());
  }

  @Test
  void theDashboardProviderReadsWhereTheChartMountsTheConfigMap() {
    JsonNode providers =
        values.path("dashboardProviders").path("dashboardproviders.yaml").path("providers");
    assertThat(providers).hasSize(1);
    JsonNode provider = providers.get(0);
    String name = provider.path("name").asText();
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText()).isEqualTo(MOUNT_ROOT + name);
    assertThat(values.path("dashboardsConfigMaps").path(name).asText())
        .as("ConfigMap for provider %s", name)
        .isNotBlank();
  }

  @Test
  void exercisesCreateThatConfigMapFromTheDashboardFile() throws IOException {
    JsonNode maps = values.path("dashboardsConfigMaps");
    assertThat(maps).hasSize(1);
    String configMap = maps.elements().next().asText();
    String exercises = Files.readString(RepoPaths.resolve("EXERCISES.md"));
    String joined = exercises.replaceAll("\\\\\n\\s*", "");

    assertThat(joined)
        .contains(
            "kubectl create configmap "
                + configMap
                + " --namespace monitoring --from-file="
                + Dashboard.FILE)
        .contains("-f k8s/grafana-values.yaml --namespace monitoring")
        .contains("grafana-community/grafana");
    assertThat(List.of(Dashboard.FILE))
        .allSatisfy(f -> assertThat(RepoPaths.resolve(f)).isRegularFile());
  }

  private static JsonNode read(String path) {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(RepoPaths.resolve(path).toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
