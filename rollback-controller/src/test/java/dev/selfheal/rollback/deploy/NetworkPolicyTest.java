package dev.selfheal.rollback.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * k8s/network-policy-rollback-controller.yaml admits exactly the chart's Alertmanager and
 * Prometheus server pods in namespace monitoring, on the controller's port, and selects the
 * controller's pods.
 */
class NetworkPolicyTest {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static List<HasMetadata> load(String path) throws IOException {
    try (InputStream in = Files.newInputStream(RepoFiles.root().resolve(path))) {
      Object parsed = YAML.unmarshal(in);
      // One document comes back as the object itself, several as a list.
      return parsed instanceof HasMetadata single
          ? List.of(single)
          : ((List<?>) parsed).stream().map(HasMetadata.class::cast).toList();
    }
  }

  private static boolean matches(LabelSelector selector, Map<String, String> labels) {
    return (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())
        && labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

  @Test
  void admitsOnlyAlertmanagerAndPrometheusFromMonitoringOnPort8080() throws IOException {
    NetworkPolicy policy =
        (NetworkPolicy) load("k8s/network-policy-rollback-controller.yaml").get(0);
    Deployment controller =
        load("k8s/rollback-controller.yaml").stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();

    assertThat(policy.getMetadata().getNamespace())
        .isEqualTo(controller.getMetadata().getNamespace());
    assertThat(
            matches(
                policy.getSpec().getPodSelector(),
                controller.getSpec().getTemplate().getMetadata().getLabels()))
        .isTrue();
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getIngress())
        .singleElement()
        .satisfies(
            rule -> {
              assertThat(rule.getPorts())
                  .singleElement()
                  .satisfies(
                      p -> {
                        assertThat(p.getPort().getIntVal()).isEqualTo(8080);
                        assertThat(p.getProtocol()).isEqualTo("TCP");
                      });
              assertThat(rule.getFrom()).hasSize(2).allSatisfy(NetworkPolicyTest::fromMonitoring);
              // The chart's pod labels (lab-tests ChartRender keeps Alertmanager by the same one).
              assertThat(rule.getFrom())
                  .anySatisfy(
                      p ->
                          assertThat(p.getPodSelector().getMatchLabels())
                              .isEqualTo(Map.of("app.kubernetes.io/name", "alertmanager")))
                  .anySatisfy(
                      p ->
                          assertThat(p.getPodSelector().getMatchLabels())
                              .isEqualTo(
                                  Map.of(
                                      "app.kubernetes.io/name", "prometheus",
                                      "app.kubernetes.io/component", "server")));
            });
  }

  private static void fromMonitoring(NetworkPolicyPeer peer) {
    // Both selectors in one peer: pods with these labels *in* monitoring, not either of them.
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring"));
    assertThat(peer.getPodSelector()).isNotNull();
    assertThat(peer.getIpBlock()).isNull();
  }
}
