package dev.selfheal.labtests.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/** Reads the lab's YAML files: the chart values, the plain rules file. */
final class ChartValues {

  static final String VALUES_FILE = "k8s/prometheus-values.yaml";
  static final String RULES_FILE = "prometheus/alerting_rules.yml";
  static final String RULE_TESTS_FILE = "prometheus/tests/alerting_rules_test.yml";

  private static final ObjectMapper YAML =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private ChartValues() {}

  static ObjectMapper yaml() {
    return YAML;
  }

  /** The values file as a tree. */
  static JsonNode values() {
    return read(RepoPaths.resolve(VALUES_FILE));
  }

  /** The plain rules file as a tree. */
  static JsonNode rules() {
    return read(RepoPaths.resolve(RULES_FILE));
  }

  static JsonNode read(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  static void write(Path path, JsonNode tree) {
    try {
      YAML.writeValue(path.toFile(), tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  /** Prometheus durations as used here: a number and one unit (ms, s, m, h). */
  static Duration duration(JsonNode node) {
    String text = node.asText();
    if (!text.matches("\\d+(ms|s|m|h)")) {
      throw new AssertionError("not a simple Prometheus duration: '" + text + "'");
    }
    long n = Long.parseLong(text.replaceAll("\\D", ""));
    return switch (text.replaceAll("\\d", "")) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
