package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * k8s/kind-config.yaml publishes every fixed NodePort of the lab's manifests on the host's
 * loopback, so that on kind {@code http://localhost:30080} goes through the Service as on minikube;
 * the README and the kind workflow create the cluster from it.
 */
class KindConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void everyFixedNodePortIsPublishedOnLoopback() throws IOException {
    JsonNode config = YAML.readTree(Repo.read("k8s/kind-config.yaml"));
    assertThat(config.path("kind").asText()).isEqualTo("Cluster");
    assertThat(config.path("apiVersion").asText()).isEqualTo("kind.x-k8s.io/v1alpha4");
    JsonNode mappings = config.path("nodes").path(0).path("extraPortMappings");
    assertThat(config.path("nodes").path(0).path("role").asText()).isEqualTo("control-plane");

    List<Integer> nodePorts = nodePorts();
    assertThat(nodePorts).contains(30080);
    for (int nodePort : nodePorts) {
      assertThat(mappings)
          .as("a mapping of NodePort " + nodePort)
          .anySatisfy(
              m -> {
                assertThat(m.path("containerPort").asInt()).isEqualTo(nodePort);
                assertThat(m.path("hostPort").asInt()).isEqualTo(nodePort);
                assertThat(m.path("listenAddress").asText()).isEqualTo("127.0.0.1");
                assertThat(m.path("protocol").asText("TCP")).isEqualTo("TCP");
              });
    }
  }

  @Test
  void theReadmeAndTheWorkflowCreateTheClusterFromIt() {
    assertThat(Repo.read("README.md"))
        .contains("kind create cluster --config k8s/kind-config.yaml")
        .contains("URL=http://localhost:30080");
    assertThat(Repo.read(".github/workflows/e2e-kind.yml"))
        .contains("config: k8s/kind-config.yaml");
  }

  private static List<Integer> nodePorts() throws IOException {
    List<Integer> ports = new ArrayList<>();
    try (Stream<Path> files = Files.list(Repo.path("k8s"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> documents =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (documents.hasNext()) {
            JsonNode document = documents.next();
            if (document != null && "Service".equals(document.path("kind").asText())) {
              document
                  .path("spec")
                  .path("ports")
                  .forEach(
                      p -> {
                        if (p.has("nodePort")) {
                          ports.add(p.path("nodePort").asInt());
                        }
                      });
            }
          }
        }
      }
    }
    return ports;
  }
}
