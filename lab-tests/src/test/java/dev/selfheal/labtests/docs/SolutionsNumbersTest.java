package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The numbers SOLUTIONS.md quotes from the configuration (probe timings, thresholds, replica
 * counts, alert durations, the NodePort, the controller's limits) link to the file and key they
 * come from; each must still agree with that file.
 */
class SolutionsNumbersTest {

  private static final Function<String, String> REPO_FILES = Repo::read;

  @Test
  void everyLinkedNumberMatchesItsSource() {
    List<SourceLinks.Link> links = SourceLinks.find(Repo.read("SOLUTIONS.md"));

    List<String> problems =
        links.stream()
            .map(link -> SourceLinks.check(link, REPO_FILES))
            .flatMap(Optional::stream)
            .toList();

    assertThat(problems).as("numbers in SOLUTIONS.md that disagree with their source").isEmpty();
  }

  @Test
  void theAnswersQuoteTheKeyNumbersThroughLinks() {
    List<String> keys =
        SourceLinks.find(Repo.read("SOLUTIONS.md")).stream().map(SourceLinks.Link::key).toList();

    assertThat(keys).hasSizeGreaterThan(40);
    assertThat(keys)
        .contains(
            "spec.replicas",
            "spec.ports[0].nodePort",
            "spec.template.spec.containers[name=model-server].readinessProbe.failureThreshold",
            "spec.template.spec.containers[name=model-server].livenessProbe.periodSeconds",
            "spec.template.spec.containers[name=model-server].startupProbe.failureThreshold",
            "groups[name=model-health].rules[alert=ModelAccuracyLow].for",
            "groups[name=model-health].rules[alert=ModelDegraded].for",
            "V2_STALL_AFTER",
            "ACCURACY_THRESHOLD");
  }

  /**
   * The probe lines of {@code kubectl describe pod} that SOLUTIONS.md quotes, against the manifest.
   */
  @Test
  void theQuotedDescribeOutputMatchesTheProbes() throws Exception {
    Pattern line =
        Pattern.compile(
            "(Liveness|Readiness|Startup):\\s+http-get http://:(\\w+)(/\\S*) delay=(\\d+)s timeout=(\\d+)s"
                + " period=(\\d+)s #success=(\\d+) #failure=(\\d+)");
    JsonNode container = null;
    for (JsonNode c :
        new ObjectMapper(new YAMLFactory())
            .readTree(Repo.read("k8s/deployment.yaml"))
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")) {
      if (c.path("name").asText().equals("model-server")) {
        container = c;
      }
    }
    assertThat(container).isNotNull();
    Matcher quoted = line.matcher(Repo.read("SOLUTIONS.md"));
    int found = 0;
    while (quoted.find()) {
      found++;
      JsonNode probe = container.path(quoted.group(1).toLowerCase(java.util.Locale.ROOT) + "Probe");
      assertThat(
              List.of(
                  probe.path("httpGet").path("port").asText(),
                  probe.path("httpGet").path("path").asText(),
                  probe.path("initialDelaySeconds").asInt(0),
                  probe.path("timeoutSeconds").asInt(1),
                  probe.path("periodSeconds").asInt(10),
                  probe.path("successThreshold").asInt(1),
                  probe.path("failureThreshold").asInt(3)))
          .as(quoted.group())
          .isEqualTo(
              List.of(
                  quoted.group(2),
                  quoted.group(3),
                  Integer.parseInt(quoted.group(4)),
                  Integer.parseInt(quoted.group(5)),
                  Integer.parseInt(quoted.group(6)),
                  Integer.parseInt(quoted.group(7)),
                  Integer.parseInt(quoted.group(8))));
    }
    assertThat(found).as("probe lines quoted in SOLUTIONS.md").isEqualTo(3);
  }

  /** The answer to "which version runs now?" is the v1 manifest's env, as kubectl prints it. */
  @Test
  void theQuotedEnvIsTheV1ManifestsEnv() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode env = null;
    for (JsonNode c :
        yaml.readTree(Repo.read("k8s/deployment.yaml"))
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")) {
      if (c.path("name").asText().equals("model-server")) {
        env = c.path("env");
      }
    }
    Matcher quoted =
        Pattern.compile("(?m)^(\\[\\{\"name\":\"MODEL_VERSION\".*\\])$")
            .matcher(Repo.read("SOLUTIONS.md"));

    assertThat(quoted.find()).as("the env answer in SOLUTIONS.md").isTrue();
    assertThat(new ObjectMapper().readTree(quoted.group(1))).isEqualTo(env);
  }

  private static Optional<String> checkAgainst(String markdown, String file, String content) {
    SourceLinks.Link link = SourceLinks.find(markdown).get(0);
    return SourceLinks.check(link, Map.of(file, content)::get);
  }

  @Test
  void catchesANumberThatDriftedFromTheManifest() {
    String manifest =
        """
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: app
                  livenessProbe:
                    periodSeconds: 15
        """;
    String path = "spec.template.spec.containers[name=app].livenessProbe.periodSeconds";

    assertThat(checkAgainst("every [10 s](d.yaml \"" + path + "\")", "d.yaml", manifest))
        .hasValueSatisfying(
            problem -> assertThat(problem).contains("the text says 10 s but the file says 15"));
    assertThat(checkAgainst("every [15 s](d.yaml \"" + path + "\")", "d.yaml", manifest)).isEmpty();
  }

  @Test
  void namesAMissingKeyAndAMissingDocument() {
    String twoDocuments =
        """
        kind: Service
        metadata: {name: a}
        spec: {ports: [{port: 80}]}
        ---
        kind: Deployment
        metadata: {name: b}
        spec: {replicas: 2}
        """;

    assertThat(checkAgainst("[2](m.yaml \"Deployment/b spec.replicas\")", "m.yaml", twoDocuments))
        .isEmpty();
    assertThat(
            checkAgainst("[80](m.yaml \"Service/a spec.ports[0].port\")", "m.yaml", twoDocuments))
        .isEmpty();
    assertThat(checkAgainst("[2](m.yaml \"Deployment/b spec.paused\")", "m.yaml", twoDocuments))
        .hasValueSatisfying(problem -> assertThat(problem).contains("no key"));
    assertThat(checkAgainst("[2](m.yaml \"Deployment/c spec.replicas\")", "m.yaml", twoDocuments))
        .hasValueSatisfying(problem -> assertThat(problem).contains("no document Deployment/c"));
    assertThat(checkAgainst("[2](m.yaml \"spec.replicas\")", "m.yaml", twoDocuments))
        .hasValueSatisfying(
            problem -> assertThat(problem).contains("prefix the key with Kind/name"));
  }

  @Test
  void readsJavaDefaultsAndConstants() {
    String java =
        """
        /** {@link #STALL} is documented here first. */
        static final Duration STALL = Duration.ofSeconds(60);
        double threshold = in.fraction("THRESHOLD", 0.90);
        """;

    assertThat(checkAgainst("[60 s](F.java \"STALL\")", "F.java", java)).isEmpty();
    assertThat(checkAgainst("[0.90](F.java \"THRESHOLD\")", "F.java", java)).isEmpty();
    assertThat(checkAgainst("[THRESHOLD](F.java \"THRESHOLD\")", "F.java", java)).isEmpty();
    assertThat(checkAgainst("[0.95](F.java \"THRESHOLD\")", "F.java", java)).isPresent();
    assertThat(checkAgainst("[the limit](F.java \"THRESHOLD\")", "F.java", java)).isPresent();
  }

  @Test
  void readsPropertiesAndAlertExpressions() {
    assertThat(
            checkAgainst(
                "[0.762](a.properties \"golden_set.accuracy\")",
                "a.properties",
                "golden_set.accuracy=0.762\n"))
        .isEmpty();
    String rules =
        """
        groups:
          - name: model-health
            rules:
              - alert: ModelAccuracyLow
                expr: model_accuracy < 0.90
                for: 30s
        """;
    String rule = "groups[name=model-health].rules[alert=ModelAccuracyLow]";
    assertThat(checkAgainst("[0.90](r.yml \"" + rule + ".expr\")", "r.yml", rules)).isEmpty();
    assertThat(checkAgainst("[30 s](r.yml \"" + rule + ".for\")", "r.yml", rules)).isEmpty();
    assertThat(checkAgainst("[1 minute](r.yml \"" + rule + ".for\")", "r.yml", rules)).isPresent();
  }
}
