package dev.selfheal.labtests.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the lab's manifests (k8s/*.yaml) create, plus the objects the Prometheus chart creates in
 * namespace monitoring that the exercises use: the names a command may refer to.
 */
final class LabObjects {

  /** The chart's objects the exercises name (release "prometheus", chart 29.x). */
  static final Map<String, Set<Integer>> CHART_SERVICES =
      Map.of("prometheus-server", Set.of(80), "grafana", Set.of(80));

  /** The values file of the chart that makes each of {@link #CHART_SERVICES}. */
  static final Map<String, String> CHART_VALUES =
      Map.of(
          "prometheus-server", "k8s/prometheus-values.yaml", "grafana", "k8s/grafana-values.yaml");

  final Map<String, JsonNode> deployments = new HashMap<>();
  final Map<String, JsonNode> services = new HashMap<>();
  final Set<String> names = new HashSet<>();
  final Set<String> images = new HashSet<>();
  final List<Map<String, String>> podLabels = new ArrayList<>();
  final Set<String> namespaces = new HashSet<>(Set.of("monitoring"));

  private LabObjects() {}

  static LabObjects load() {
    LabObjects objects = new LabObjects();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> files = Files.list(Repo.path("k8s"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> documents =
            yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (documents.hasNext()) {
            JsonNode document = documents.next();
            if (document != null && document.isObject()) {
              objects.add(document);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  private void add(JsonNode object) {
    String kind = object.path("kind").asText();
    String name = object.path("metadata").path("name").asText();
    names.add(name);
    namespaces.add(object.path("metadata").path("namespace").asText("default"));
    if (kind.equals("Deployment")) {
      deployments.put(name, object);
    }
    if (kind.equals("Service")) {
      services.put(name, object);
    }
    JsonNode template = object.path("spec").path("template");
    if (!template.isMissingNode()) {
      Map<String, String> labels = new HashMap<>();
      template
          .path("metadata")
          .path("labels")
          .properties()
          .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
      podLabels.add(labels);
      template.path("spec").path("containers").forEach(c -> images.add(c.path("image").asText()));
    }
  }

  boolean hasDeployment(String name) {
    return deployments.containsKey(name);
  }

  boolean hasService(String name) {
    return services.containsKey(name) || CHART_SERVICES.containsKey(name);
  }

  /** The ports of a Service (for the chart's, the known ones). */
  Set<Integer> servicePorts(String name) {
    if (CHART_SERVICES.containsKey(name)) {
      return CHART_SERVICES.get(name);
    }
    Set<Integer> ports = new HashSet<>();
    services.get(name).path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
    return ports;
  }

  /**
   * True when some pod template carries every label of a selector like {@code app=x,version=v1}.
   */
  boolean podsMatch(String selector) {
    Map<String, String> wanted = new HashMap<>();
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2) {
        return false;
      }
      wanted.put(kv[0], kv[1]);
    }
    return podLabels.stream().anyMatch(labels -> labels.entrySet().containsAll(wanted.entrySet()));
  }
}
