package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GitHub Actions workflow that runs the lab on kind: pinned actions, real script options. */
class WorkflowTest {

  private static final String WORKFLOW = ".github/workflows/e2e-kind.yml";

  private JsonNode job;

  @BeforeEach
  void parse() throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Repo.read(WORKFLOW));
    job = root.path("jobs").path("lab");
    assertThat(job.isObject()).as("job 'lab' in " + WORKFLOW).isTrue();
  }

  private List<JsonNode> steps() {
    List<JsonNode> steps = new ArrayList<>();
    job.path("steps").forEach(steps::add);
    return steps;
  }

  @Test
  void everyActionIsPinnedToAnExactVersion() {
    List<String> uses =
        steps().stream().filter(s -> s.has("uses")).map(s -> s.get("uses").asText()).toList();

    assertThat(uses)
        .isNotEmpty()
        .allMatch(
            action -> action.matches("[\\w.-]+/[\\w.-]+@(v\\d+\\.\\d+\\.\\d+|[0-9a-f]{40})"),
            "owner/name@vX.Y.Z or a commit SHA");
    assertThat(uses).anyMatch(action -> action.startsWith("helm/kind-action@"));
  }

  @Test
  void createsTheKindClusterTheScriptIsToldToUse() {
    JsonNode kind =
        steps().stream()
            .filter(s -> s.path("uses").asText().startsWith("helm/kind-action@"))
            .findFirst()
            .orElseThrow();

    assertThat(kind.path("with").path("cluster_name").asText()).isEqualTo("kind");
    assertThat(job.path("timeout-minutes").asInt()).isBetween(10, 90);
    assertThat(runs())
        .anyMatch(run -> run.contains("scripts/e2e-cluster.sh --cluster kind --cluster-name kind"));
  }

  private List<String> runs() {
    List<String> runs = new ArrayList<>();
    for (JsonNode step : steps()) {
      if (step.has("run")) {
        String run = step.get("run").asText();
        // Expand the matrix flags into each variant's command line.
        if (run.contains("${{ matrix.flags }}")) {
          job.path("strategy")
              .path("matrix")
              .path("include")
              .forEach(v -> runs.add(run.replace("${{ matrix.flags }}", v.path("flags").asText())));
        } else {
          runs.add(run);
        }
      }
    }
    return runs;
  }

  @Test
  void passesOnlyOptionsTheScriptKnows() {
    String help =
        Shell.run(Repo.root(), Map.of(), List.of("bash", "scripts/e2e-cluster.sh", "--help"))
            .stdout();
    Pattern option = Pattern.compile("(?<=\\s)--[a-z-]+");
    List<String> used = new ArrayList<>();
    for (String run : runs()) {
      if (!run.contains("scripts/e2e-cluster.sh")) {
        continue;
      }
      Matcher matcher = option.matcher(run.substring(run.indexOf("scripts/e2e-cluster.sh")));
      while (matcher.find()) {
        used.add(matcher.group());
      }
    }

    assertThat(used).contains("--cluster", "--with-prometheus", "--with-rollback-controller");
    assertThat(used).allMatch(help::contains, "documented in scripts/e2e-cluster.sh --help");
  }
}
