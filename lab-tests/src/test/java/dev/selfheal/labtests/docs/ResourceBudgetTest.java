package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the lab asks of the node, added up from the manifests and the chart values, against the node
 * size the README recommends ({@code minikube start --cpus N --memory Ng}) and the figures it
 * states, so neither can drift from the files.
 *
 * <p>The moment counted is the worst one: a student who cleans nothing up, so that every part of
 * the lab is deployed at once (the model server, the rollback controller, Prometheus with
 * Alertmanager, kube-state-metrics and Grafana, and Exercise 5's Redis, profile API, recommender
 * and its loader Job, whose pod runs while the recommender warms up), with the model server in the
 * middle of a rollout: its replicas plus its maxSurge, the six pods of the bonus's peak and of
 * every v1/v2 rollout. The other Deployments are only ever applied and scaled, never rolled out, so
 * they count at their replica count.
 */
class ResourceBudgetTest {

  /**
   * The cluster's own pods' requests on a one-node kind v1.33 cluster: kube-apiserver 250m,
   * kube-controller-manager 200m, kube-scheduler 100m, etcd 100m and 100Mi, two CoreDNS pods of
   * 100m and 70Mi each, kindnet 100m and 50Mi (kube-proxy asks for nothing). minikube has one
   * CoreDNS pod and no kindnet, 750m and 170Mi; the larger figure is the one to fit.
   */
  private static final int SYSTEM_CPU_MILLIS = 950;

  private static final int SYSTEM_MEMORY_MIB = 290;

  /**
   * What the control plane actually uses in memory (API server, etcd, controller manager,
   * scheduler, DNS, kubelet), about a gigabyte on a small cluster, for the check on memory use.
   */
  private static final int SYSTEM_MEMORY_USE_MIB = 1024;

  /** A default minikube's CPUs. */
  private static final int DEFAULT_MINIKUBE_CPUS = 2;

  private static final Pattern RECOMMENDED =
      Pattern.compile("minikube start --cpus (\\d+) --memory (\\d+)g");
  private static final Pattern STATED =
      Pattern.compile(
          "the pods request (\\d+)m of CPU and (\\d+) MiB of memory[^.]*?ask for up to (\\d+)m more",
          Pattern.DOTALL);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One line of the sum: what, how many pods, and each pod's requests and memory limit. */
  record Part(String what, int pods, long cpuMillis, long memoryMib, long memoryLimitMib) {
    long cpu() {
      return pods * cpuMillis;
    }

    long memory() {
      return pods * memoryMib;
    }

    long memoryUse() {
      return pods * Math.max(memoryMib, memoryLimitMib);
    }
  }

  private static List<Part> parts;
  private static String readme;

  @BeforeAll
  static void addUpTheLab() throws IOException {
    readme = Repo.read("README.md");
    parts = new ArrayList<>();
    for (String file : List.of("deployment.yaml", "rollback-controller.yaml", "recommender.yaml")) {
      for (JsonNode object : documents("k8s/" + file)) {
        String kind = object.path("kind").asText();
        String name = object.path("metadata").path("name").asText();
        if (kind.equals("Deployment")) {
          int replicas = object.path("spec").path("replicas").asInt(1);
          int pods = name.equals("model-server") ? replicas + surge(object, replicas) : replicas;
          parts.add(pod(kind + " " + name, pods, object.path("spec").path("template")));
        } else if (kind.equals("Job")) {
          parts.add(pod(kind + " " + name, 1, object.path("spec").path("template")));
        }
      }
    }
    JsonNode prometheus = YAML.readTree(Repo.read("k8s/prometheus-values.yaml"));
    parts.add(requests("Prometheus server", prometheus.path("server").path("resources")));
    parts.add(
        requests(
            "Prometheus config reloader",
            prometheus.path("configmapReload").path("prometheus").path("resources")));
    parts.add(requests("Alertmanager", prometheus.path("alertmanager").path("resources")));
    parts.add(
        requests("kube-state-metrics", prometheus.path("kube-state-metrics").path("resources")));
    JsonNode grafana = YAML.readTree(Repo.read("k8s/grafana-values.yaml"));
    parts.add(requests("Grafana", grafana.path("resources")));
  }

  @Test
  void theModelServerCountsAtItsRolloutPeakOfSixPods() {
    assertThat(parts)
        .filteredOn(p -> p.what().equals("Deployment model-server"))
        .singleElement()
        .extracting(Part::pods)
        .isEqualTo(6);
    assertThat(parts).extracting(Part::what).contains("Job recommender-embeddings-loader");
  }

  @Test
  void everyMonitoringPodHasRequests() {
    assertThat(parts)
        .as("every part of the lab requests CPU and memory")
        .allSatisfy(
            p -> {
              assertThat(p.cpuMillis()).as(p.what() + " cpu").isPositive();
              assertThat(p.memoryMib()).as(p.what() + " memory").isPositive();
            });
  }

  @Test
  void theReadmeStatesTheSumsTheFilesGive() {
    Matcher stated = STATED.matcher(readme);
    assertThat(stated.find()).as("the README states the lab's requests").isTrue();

    assertThat(Long.parseLong(stated.group(1))).as("CPU, millicores").isEqualTo(cpu());
    assertThat(Long.parseLong(stated.group(2))).as("memory, MiB").isEqualTo(memory());
    assertThat(Integer.parseInt(stated.group(3))).isEqualTo(SYSTEM_CPU_MILLIS);
  }

  @Test
  void theRecommendedNodeHoldsTheWorstMomentWithRoomToSpare() {
    Matcher recommended = RECOMMENDED.matcher(readme);
    assertThat(recommended.find()).as("the README recommends a minikube size").isTrue();
    long cpuMillis = Long.parseLong(recommended.group(1)) * 1000;
    long memoryMib = Long.parseLong(recommended.group(2)) * 1024;

    // Requests: what the scheduler fills the node with. A fifth of the CPUs stays free, for one
    // more add-on (metrics-server, an ingress controller) and for what the JVMs burn starting up.
    assertThat(cpu() + SYSTEM_CPU_MILLIS).isLessThanOrEqualTo(cpuMillis * 4 / 5);
    assertThat(memory() + SYSTEM_MEMORY_MIB).isLessThanOrEqualTo(memoryMib);
    // Use: a JVM may grow to its memory limit; the Prometheus and Grafana pods have none and
    // count at their requests.
    assertThat(memoryUse() + SYSTEM_MEMORY_USE_MIB).isLessThanOrEqualTo(memoryMib);
  }

  @Test
  void aDefaultMinikubeIsTooSmallAsTheReadmeSays() {
    assertThat(readme).contains("A default minikube (2 CPUs, about 2 GB)");
    assertThat(cpu() + SYSTEM_CPU_MILLIS).isGreaterThan(DEFAULT_MINIKUBE_CPUS * 1000L);
    assertThat(memoryUse()).as("memory limits, MiB").isGreaterThan(2048);
  }

  @Test
  void theRequestsSitUnderKeysChart29Reads() throws IOException {
    Path chart =
        Path.of(
            System.getProperty("user.home"), ".cache/selfheal-lab/charts/prometheus-29.27.0.tgz");
    assumeThat(chart).as("the packaged chart of scripts/local-cluster/addons.sh").exists();
    Map<String, String> files =
        untar(
            chart,
            List.of(
                "prometheus/values.yaml",
                "prometheus/charts/alertmanager/values.yaml",
                "prometheus/charts/kube-state-metrics/values.yaml"));

    JsonNode top = YAML.readTree(files.get("prometheus/values.yaml"));
    assertThat(top.path("server").has("resources")).isTrue();
    assertThat(top.path("configmapReload").path("prometheus").has("resources")).isTrue();
    assertThat(
            YAML.readTree(files.get("prometheus/charts/alertmanager/values.yaml")).has("resources"))
        .isTrue();
    assertThat(
            YAML.readTree(files.get("prometheus/charts/kube-state-metrics/values.yaml"))
                .has("resources"))
        .isTrue();
  }

  // ------------------------------------------------------------------------------------------

  private static long cpu() {
    return parts.stream().mapToLong(Part::cpu).sum();
  }

  private static long memory() {
    return parts.stream().mapToLong(Part::memory).sum();
  }

  private static long memoryUse() {
    return parts.stream().mapToLong(Part::memoryUse).sum();
  }

  /** A Deployment's maxSurge in pods: a number, or a percentage of the replicas rounded up. */
  private static int surge(JsonNode deployment, int replicas) {
    JsonNode surge =
        deployment.path("spec").path("strategy").path("rollingUpdate").path("maxSurge");
    String text = surge.isMissingNode() ? "25%" : surge.asText();
    if (text.endsWith("%")) {
      int percent = Integer.parseInt(text.substring(0, text.length() - 1));
      return (replicas * percent + 99) / 100;
    }
    return Integer.parseInt(text);
  }

  /** A pod of a template: the sum of its containers' requests and memory limits. */
  private static Part pod(String what, int pods, JsonNode template) {
    long cpu = 0;
    long memory = 0;
    long limit = 0;
    for (JsonNode container : template.path("spec").path("containers")) {
      JsonNode resources = container.path("resources");
      cpu += millis(resources.path("requests").path("cpu"));
      memory += mib(resources.path("requests").path("memory"));
      limit += mib(resources.path("limits").path("memory"));
    }
    return new Part(what, pods, cpu, memory, limit);
  }

  private static Part requests(String what, JsonNode resources) {
    return new Part(
        what,
        1,
        millis(resources.path("requests").path("cpu")),
        mib(resources.path("requests").path("memory")),
        mib(resources.path("limits").path("memory")));
  }

  private static long millis(JsonNode quantity) {
    if (quantity.isMissingNode() || quantity.isNull()) {
      return 0;
    }
    return Quantity.getAmountInBytes(new Quantity(quantity.asText()))
        .multiply(BigDecimal.valueOf(1000))
        .longValueExact();
  }

  private static long mib(JsonNode quantity) {
    if (quantity.isMissingNode() || quantity.isNull()) {
      return 0;
    }
    return Quantity.getAmountInBytes(new Quantity(quantity.asText()))
        .divide(BigDecimal.valueOf(1024L * 1024))
        .longValueExact();
  }

  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class).readValues(Repo.read(file))) {
      while (it.hasNext()) {
        JsonNode document = it.next();
        if (document != null && document.isObject()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  /** The named files of a .tgz, read with the JDK alone (ustar: 512-byte headers and blocks). */
  private static Map<String, String> untar(Path tgz, List<String> names) {
    Map<String, String> found = new java.util.HashMap<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
        String name = field(header, 0, 100);
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
        long size = Long.parseLong(field(header, 124, 12).trim(), 8);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        long padded = (size + 511) / 512 * 512;
        byte[] body = in.readNBytes((int) padded);
        content.write(body, 0, (int) size);
        if (names.contains(name)) {
          found.put(name, content.toString(StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(found).as("files in " + tgz).containsOnlyKeys(names);
    return found;
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }
}
