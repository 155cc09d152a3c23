package dev.selfheal.labtests.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Service keeps SPEC section 2's interface and selects the pods of both releases. */
class ServiceManifestTest {

  private final Service service = Manifests.service();

  @Test
  void isTheNodePortServiceOfTheLab() {
    assertThat(Manifests.unknownFields(service)).isEmpty();
    assertThat(service.getMetadata().getName()).isEqualTo("model-server");
    assertThat(service.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(service.getSpec().getType()).isEqualTo("NodePort");
    assertThat(service.getSpec().getPorts()).hasSize(1);
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getPort()).isEqualTo(80);
    assertThat(port.getTargetPort()).isIn(new IntOrString(8080), new IntOrString("http"));
    assertThat(port.getNodePort()).isEqualTo(30080);
  }

  @Test
  void selectsThePodsOfBothReleases() {
    Map<String, String> selector = service.getSpec().getSelector();

    assertThat(selector).isEqualTo(Map.of("app", "model-server"));
    for (String file : new String[] {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2}) {
      assertThat(Manifests.deployment(file).getSpec().getTemplate().getMetadata().getLabels())
          .as(file)
          .containsAllEntriesOf(selector);
    }
  }

  @Test
  void isNotScrapedAsWell() {
    // Pods are scraped through their own annotations; an annotated Service would double every
    // series.
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    assertThat(annotations == null ? Map.of() : annotations)
        .doesNotContainKey("prometheus.io/scrape");
  }
}
