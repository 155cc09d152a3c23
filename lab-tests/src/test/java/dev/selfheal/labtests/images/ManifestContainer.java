package dev.selfheal.labtests.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a Deployment's manifest runs one container: the values {@code docker run} needs to start it
 * the same way, read from the YAML the lab applies.
 *
 * @param namespace the Deployment's namespace
 * @param cpus the CPU limit in cores
 * @param memoryBytes the memory limit
 * @param readOnlyRoot {@code readOnlyRootFilesystem}
 * @param noNewPrivileges {@code allowPrivilegeEscalation: false}
 * @param dropCapabilities {@code capabilities.drop}
 * @param user {@code runAsUser}, container level over pod level
 * @param group {@code runAsGroup}, container level over pod level
 * @param env the env entries with a literal {@code value} (valueFrom ones are left out)
 * @param emptyDirs mount path to sizeLimit (empty when none) of each emptyDir volume mount
 * @param secretMounts mount path to secret name of each secret volume mount
 * @param probes the declared probes by kind
 * @param terminationGrace {@code terminationGracePeriodSeconds}
 */
record ManifestContainer(
    String namespace,
    double cpus,
    long memoryBytes,
    boolean readOnlyRoot,
    boolean noNewPrivileges,
    List<String> dropCapabilities,
    long user,
    long group,
    Map<String, String> env,
    Map<String, String> emptyDirs,
    Map<String, String> secretMounts,
    Map<Probe.Kind, Probe> probes,
    Duration terminationGrace) {

  /**
   * One HTTP probe.
   *
   * @param path the {@code httpGet.path}
   * @param initialDelay {@code initialDelaySeconds}
   * @param period {@code periodSeconds} (Kubernetes' default 10)
   * @param failureThreshold {@code failureThreshold} (default 3)
   */
  record Probe(String path, Duration initialDelay, Duration period, int failureThreshold) {

    /** The three probe kinds, by their field names. */
    enum Kind {
      STARTUP("startupProbe"),
      LIVENESS("livenessProbe"),
      READINESS("readinessProbe");

      final String field;

      Kind(String field) {
        this.field = field;
      }
    }

    /** How long the kubelet lets this probe fail before it acts: delay + threshold x period. */
    Duration budget() {
      return initialDelay.plus(period.multipliedBy(failureThreshold));
    }

    static Probe of(JsonNode node) {
      return new Probe(
          node.path("httpGet").path("path").asText(),
          Duration.ofSeconds(node.path("initialDelaySeconds").asLong(0)),
          Duration.ofSeconds(node.path("periodSeconds").asLong(10)),
          node.path("failureThreshold").asInt(3));
    }
  }

  private static final YAMLMapper YAML = new YAMLMapper();

  /** The probe of that kind; fails when the manifest declares none. */
  Probe probe(Probe.Kind kind) {
    return Optional.ofNullable(probes.get(kind))
        .orElseThrow(() -> new AssertionError("the manifest declares no " + kind.field));
  }

  /**
   * The time the kubelet gives the container to pass its startupProbe (the readiness probe's
   * initial delay and one period after it when there is no startupProbe).
   */
  Duration startupBudget() {
    Probe startup = probes.get(Probe.Kind.STARTUP);
    return startup != null ? startup.budget() : probe(Probe.Kind.READINESS).budget();
  }

  /** Reads container {@code container} of Deployment {@code deployment} in {@code file}. */
  static ManifestContainer read(String file, String deployment, String container) {
    JsonNode doc = deployment(file, deployment);
    JsonNode pod = doc.path("spec").path("template").path("spec");
    JsonNode c = null;
    for (JsonNode candidate : pod.path("containers")) {
      if (container.equals(candidate.path("name").asText())) {
        c = candidate;
      }
    }
    if (c == null) {
      throw new AssertionError(file + ": Deployment " + deployment + " has no " + container);
    }
    JsonNode limits = c.path("resources").path("limits");
    JsonNode podSecurity = pod.path("securityContext");
    JsonNode security = c.path("securityContext");
    Map<String, JsonNode> volumes = new LinkedHashMap<>();
    pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
    Map<String, String> emptyDirs = new LinkedHashMap<>();
    Map<String, String> secrets = new LinkedHashMap<>();
    for (JsonNode mount : c.path("volumeMounts")) {
      JsonNode volume = volumes.get(mount.path("name").asText());
      String path = mount.path("mountPath").asText();
      if (volume != null && volume.has("emptyDir")) {
        emptyDirs.put(path, volume.path("emptyDir").path("sizeLimit").asText(""));
      } else if (volume != null && volume.has("secret")) {
        secrets.put(path, volume.path("secret").path("secretName").asText());
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : c.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      }
    }
    Map<Probe.Kind, Probe> probes = new LinkedHashMap<>();
    for (Probe.Kind kind : Probe.Kind.values()) {
      if (c.has(kind.field)) {
        probes.put(kind, Probe.of(c.path(kind.field)));
      }
    }
    List<String> drop = new ArrayList<>();
    security.path("capabilities").path("drop").forEach(d -> drop.add(d.asText()));
    return new ManifestContainer(
        doc.path("metadata").path("namespace").asText("default"),
        cpu(required(limits, "cpu", file)),
        bytes(required(limits, "memory", file)),
        security.path("readOnlyRootFilesystem").asBoolean(false),
        security.has("allowPrivilegeEscalation")
            && !security.path("allowPrivilegeEscalation").asBoolean(),
        List.copyOf(drop),
        id(security, podSecurity, "runAsUser", file),
        id(security, podSecurity, "runAsGroup", file),
        Map.copyOf(env),
        Map.copyOf(emptyDirs),
        Map.copyOf(secrets),
        Map.copyOf(probes),
        Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asLong(30)));
  }

  private static JsonNode deployment(String file, String name) {
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(RepoPaths.resolve(file).toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if ("Deployment".equals(doc.path("kind").asText())
            && name.equals(doc.path("metadata").path("name").asText())) {
          return doc;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError(file + " has no Deployment " + name);
  }

  private static String required(JsonNode node, String field, String file) {
    if (!node.hasNonNull(field)) {
      throw new AssertionError(file + ": no resources.limits." + field);
    }
    return node.path(field).asText();
  }

  private static long id(JsonNode container, JsonNode pod, String field, String file) {
    JsonNode value = container.has(field) ? container.path(field) : pod.path(field);
    if (!value.canConvertToLong()) {
      throw new AssertionError(file + ": no " + field + " (the image's uid must be stated)");
    }
    return value.asLong();
  }

  /** A Kubernetes CPU quantity ({@code 200m}, {@code 1}, {@code 0.5}) in cores. */
  static double cpu(String quantity) {
    return quantity.endsWith("m")
        ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }

  /** A Kubernetes memory quantity ({@code 256Mi}, {@code 1Gi}, {@code 500M}, bytes) in bytes. */
  static long bytes(String quantity) {
    String[][] units = {
      {"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"},
      {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}
    };
    for (String[] unit : units) {
      if (quantity.endsWith(unit[0])) {
        return new BigDecimal(quantity.substring(0, quantity.length() - unit[0].length()))
            .multiply(new BigDecimal(unit[1]))
            .longValueExact();
      }
    }
    return Long.parseLong(quantity);
  }
}
