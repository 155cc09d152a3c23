package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The manifest values the guide's timings depend on, read from a model-server Deployment, and the
 * arithmetic the guide does with them. SOLUTIONS.md's answers and the derived column of
 * docs/observed-timings.md are both checked against it.
 */
record ManifestTimings(
    long readinessPeriod,
    long readinessFailures,
    long livenessPeriod,
    long livenessFailures,
    long startupPeriod,
    long preStopSleep,
    long drain,
    long livenessTimeout,
    long stallAfter) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode yaml(String file) {
    try {
      return YAML.readTree(Repo.read(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first number in a duration such as {@code 5s}. */
  static long seconds(String value) {
    Matcher number = Pattern.compile("(\\d+)").matcher(value);
    assertThat(number.find()).as(value).isTrue();
    return Long.parseLong(number.group(1));
  }

  static ManifestTimings of(String manifest) {
    JsonNode container = modelServer(yaml(manifest));
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    dev.selfheal.modelserver.config.ServerConfig config =
        dev.selfheal.modelserver.config.ServerConfig.fromEnv(env);
    String preStop =
        String.join(
            " ",
            YAML.convertValue(
                container.path("lifecycle").path("preStop").path("exec").path("command"),
                String[].class));
    Matcher sleep = Pattern.compile("\\bsleep\\s+(\\d+)").matcher(preStop);
    assertThat(sleep.find()).as("preStop sleeps: " + preStop).isTrue();
    return new ManifestTimings(
        container.path("readinessProbe").path("periodSeconds").asLong(10),
        container.path("readinessProbe").path("failureThreshold").asLong(3),
        container.path("livenessProbe").path("periodSeconds").asLong(10),
        container.path("livenessProbe").path("failureThreshold").asLong(3),
        container.path("startupProbe").path("periodSeconds").asLong(10),
        Long.parseLong(sleep.group(1)),
        config.shutdownGrace().toSeconds(),
        config.livenessTimeout().toSeconds(),
        dev.selfheal.modelserver.faults.FaultConfig.V2_STALL_AFTER.toSeconds());
  }

  private static JsonNode modelServer(JsonNode deployment) {
    for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
      if (c.path("name").asText().equals("model-server")) {
        return c;
      }
    }
    throw new AssertionError("no model-server container");
  }

  /** From the first failed liveness check to the kill. */
  long kill() {
    return (livenessFailures - 1) * livenessPeriod;
  }

  /** From the stall to the new container: fastest (idle pod, check right away), slowest. */
  long restartFromStallMin() {
    return livenessTimeout + kill() + preStopSleep;
  }

  /**
   * The slowest: the first check comes a whole period after {@code /health} fails. No drain time:
   * the watchdog has answered every request of a stalled pod before the kill, so its drain ends at
   * once (the drain's limit matters only for a pod with work that still progresses).
   */
  long restartFromStallMax() {
    return livenessTimeout + livenessPeriod + kill() + preStopSleep;
  }
}
