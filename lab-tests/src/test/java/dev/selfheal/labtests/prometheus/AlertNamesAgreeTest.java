package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.rollback.config.ControllerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The alerts that mean "this revision is bad" are written in six places: the model-health rule
 * group (the source of truth), the Alertmanager route to the controller, the controller's {@code
 * DEFAULT_ALERT_NAMES}, the manifest's {@code ALERT_NAMES}, the controller's documented default,
 * and the lab tests that name alerts. A rename in one place alone would leave an alert that fires
 * and is never acted on; this test fails instead.
 */
class AlertNamesAgreeTest {

  private static final String MANIFEST = "k8s/rollback-controller.yaml";
  private static final String CONTROLLER_DOC = "docs/rollback-controller.md";
  private static final Pattern QUOTED_ALERT = Pattern.compile("\"(Model[A-Z][A-Za-z]*)\"");

  private final JsonNode rules = ChartValues.rules();

  @Test
  void theRouteTheDefaultTheManifestAndTheDocsNameExactlyTheModelHealthGroup() throws IOException {
    Set<String> modelHealth = alertsOf("model-health");
    assertThat(modelHealth).as("model-health alerts in " + ChartValues.RULES_FILE).isNotEmpty();

    assertThat(routeMatcher())
        .as("Alertmanager route to rollback-controller")
        .isEqualTo(modelHealth);
    assertThat(csv(ControllerConfig.DEFAULT_ALERT_NAMES))
        .as("ControllerConfig.DEFAULT_ALERT_NAMES")
        .isEqualTo(modelHealth);
    assertThat(csv(manifestAlertNames())).as(MANIFEST + " ALERT_NAMES").isEqualTo(modelHealth);
    assertThat(csv(documentedDefault())).as(CONTROLLER_DOC + " ALERT_NAMES").isEqualTo(modelHealth);
  }

  @Test
  void everyAlertTheLabTestsAndThePromtoolTestsNameIsARule() throws IOException {
    Set<String> all = alertsOf(null);
    Set<String> named = new TreeSet<>();
    Path tests = RepoPaths.resolve("lab-tests/src/test/java");
    try (Stream<Path> files = Files.walk(tests)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher quoted = QUOTED_ALERT.matcher(Files.readString(file));
        while (quoted.find()) {
          named.add(quoted.group(1));
        }
      }
    }
    Matcher promtool =
        Pattern.compile("alertname: *(\\S+)")
            .matcher(Files.readString(RepoPaths.resolve(ChartValues.RULE_TESTS_FILE)));
    while (promtool.find()) {
      named.add(promtool.group(1));
    }

    // The lab tests name the model-health alerts, so the scan found something to compare.
    assertThat(named).containsAll(alertsOf("model-health"));
    assertThat(all)
        .as(
            "alerts of %s; a quoted \"Model...\" literal in lab-tests or an alertname in %s is one",
            ChartValues.RULES_FILE, ChartValues.RULE_TESTS_FILE)
        .containsAll(named);
  }

  /** The alert names of one group, or of every group when {@code group} is null. */
  private Set<String> alertsOf(String group) {
    Set<String> alerts = new TreeSet<>();
    for (JsonNode g : rules.path("groups")) {
      if (group == null || g.path("name").asText().equals(group)) {
        g.path("rules").forEach(r -> alerts.add(r.path("alert").asText()));
      }
    }
    return alerts;
  }

  private static Set<String> routeMatcher() {
    JsonNode routes =
        ChartRender.alertmanagerYml(ChartValues.values()).path("route").path("routes");
    List<String> matchers = new ArrayList<>();
    for (JsonNode route : routes) {
      if (route.path("receiver").asText().equals("rollback-controller")) {
        route.path("matchers").forEach(m -> matchers.add(m.asText()));
      }
    }
    assertThat(matchers).as("matchers of the route to rollback-controller").hasSize(1);
    Matcher m = Pattern.compile("alertname=~\"(.+)\"").matcher(matchers.get(0));
    assertThat(m.matches()).as("matcher alertname=~\"A|B|C\": " + matchers.get(0)).isTrue();
    return new TreeSet<>(Arrays.asList(m.group(1).split("\\|")));
  }

  private static String manifestAlertNames() throws IOException {
    List<String> values = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        ChartValues.yaml()
            .readerFor(JsonNode.class)
            .readValues(RepoPaths.resolve(MANIFEST).toFile())) {
      for (JsonNode doc : docs.readAll()) {
        if (!doc.path("kind").asText().equals("Deployment")) {
          continue;
        }
        for (JsonNode container :
            doc.path("spec").path("template").path("spec").path("containers")) {
          for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals("ALERT_NAMES")) {
              values.add(env.path("value").asText());
            }
          }
        }
      }
    }
    assertThat(values).as("ALERT_NAMES in the Deployment of " + MANIFEST).hasSize(1);
    return values.get(0);
  }

  /** The default column of the {@code ALERT_NAMES} row of the controller's configuration table. */
  private static String documentedDefault() throws IOException {
    List<String> rows =
        Files.readAllLines(RepoPaths.resolve(CONTROLLER_DOC)).stream()
            .filter(line -> line.startsWith("| `ALERT_NAMES` |"))
            .toList();
    assertThat(rows).as("the ALERT_NAMES row in " + CONTROLLER_DOC).hasSize(1);
    return rows.get(0).split("\\|")[2].replace("`", "").trim();
  }

  private static Set<String> csv(String value) {
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
