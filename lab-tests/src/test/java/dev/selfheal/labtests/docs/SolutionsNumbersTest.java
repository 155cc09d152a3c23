package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

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
  void readsReferenceLinksThroughTheirDefinitions() {
    String manifest = "spec:\n  replicas: 3\n";
    String markdown =
        """
        It runs [3][replicas] pods, or [4][Replicas].

        [replicas]: d.yaml "spec.replicas"
        """;

    List<SourceLinks.Link> links = SourceLinks.find(markdown);

    assertThat(links)
        .extracting(SourceLinks.Link::text, SourceLinks.Link::file, SourceLinks.Link::key)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("3", "d.yaml", "spec.replicas"),
            org.assertj.core.groups.Tuple.tuple("4", "d.yaml", "spec.replicas"));
    assertThat(SourceLinks.check(links.get(0), Map.of("d.yaml", manifest)::get)).isEmpty();
    assertThat(SourceLinks.check(links.get(1), Map.of("d.yaml", manifest)::get))
        .hasValueSatisfying(problem -> assertThat(problem).contains("the file says 3"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> SourceLinks.find("[3][nowhere] pods"))
        .withMessageContaining("no definition of [nowhere]");
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

  // ---------------------------------------------------------------------------------------------
  // Timing answers: each states its arithmetic, and the arithmetic is redone here from the
  // manifests, so a changed probe, preStop, drain, scrape or alert setting fails the build.

  private static String solutions() {
    // One line per sentence is not guaranteed: compare with line breaks and indentation folded.
    return Repo.read("SOLUTIONS.md").replaceAll("\\s*\\n\\s*", " ");
  }

  @Test
  void readinessRemovalIsComputedFromTheReadinessProbe() {
    for (String manifest : List.of("k8s/deployment.yaml", "k8s/deployment-v2.yaml")) {
      ManifestTimings t = ManifestTimings.of(manifest);
      String best =
          "(%d − 1) × %d s = %d s"
              .formatted(
                  t.readinessFailures(),
                  t.readinessPeriod(),
                  (t.readinessFailures() - 1) * t.readinessPeriod());
      String worst =
          "%d × %d s = %d s"
              .formatted(
                  t.readinessFailures(),
                  t.readinessPeriod(),
                  t.readinessFailures() * t.readinessPeriod());

      assertThat(solutions()).as(manifest).contains(best).contains(worst);
    }
  }

  @Test
  void restartDelayIsComputedFromLivenessPreStopAndDrain() {
    ManifestTimings t = ManifestTimings.of("k8s/deployment-v2.yaml");

    assertThat(solutions())
        .contains(
            "(%d − 1) × %d s = %d s after the first"
                .formatted(t.livenessFailures(), t.livenessPeriod(), t.kill()),
            "%d + %d = %d s after the first failed check."
                .formatted(t.kill(), t.preStopSleep(), t.kill() + t.preStopSleep()),
            "waits up to [%d s][v2-shutdown-grace] for requests in flight".formatted(t.drain()),
            "add the %d s until `/health` fails and up to %d s until the first check: %d to %d s"
                .formatted(
                    t.livenessTimeout(),
                    t.livenessPeriod(),
                    t.restartFromStallMin(),
                    t.restartFromStallMax()),
            "A round lasts about %d s + %d to %d s"
                .formatted(t.stallAfter(), t.restartFromStallMin(), t.restartFromStallMax()));
  }

  @Test
  void theBonusRestartIsComputedFromLivenessAndPreStop() {
    ManifestTimings t = ManifestTimings.of("k8s/deployment.yaml");

    // From the touch: the first failing check comes within one period, then the kill, the preStop
    // sleep, and a drain with no request in flight.
    assertThat(solutions())
        .contains(
            "%d to %d seconds after the `touch`"
                .formatted(
                    t.kill() + t.preStopSleep(), t.kill() + t.preStopSleep() + t.livenessPeriod()));
    assertThat(Repo.read("EXERCISES.md"))
        .contains(
            "About %d to %d seconds later the container is restarted"
                .formatted(
                    t.kill() + t.preStopSleep(), t.kill() + t.preStopSleep() + t.livenessPeriod()));
  }

  /**
   * The kubelet's restart back-off (10 s, doubling, counted from the previous container's exit; a
   * liveness kill restarts at once while the back-off is shorter than a round) first holds a
   * container back at the restart named in SOLUTIONS.md.
   */
  @Test
  void crashLoopBackOffAppearsAtTheRestartTheRoundLengthImplies() {
    ManifestTimings t = ManifestTimings.of("k8s/deployment-v2.yaml");
    long shortestRound = t.stallAfter() + t.restartFromStallMin();
    long longestRound = t.stallAfter() + t.restartFromStallMax();

    int firstHeldBack = firstRestartHeldBack(shortestRound);
    assertThat(firstRestartHeldBack(longestRound))
        .as("the same restart for the shortest and the longest round")
        .isEqualTo(firstHeldBack);
    long backOff = 10L << (firstHeldBack - 3);
    List<String> ordinals =
        List.of(
            "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth");

    assertThat(solutions())
        .contains(
            "when it reaches %d s, around the %s restart"
                .formatted(backOff, ordinals.get(firstHeldBack)));
  }

  /**
   * Restart n (n ≥ 3) checks the back-off set by restart n − 1, 10 s × 2^(n − 3), against the time
   * since the container before the killed one exited, one round.
   */
  private static int firstRestartHeldBack(long roundSeconds) {
    int restart = 3;
    while ((10L << (restart - 3)) <= roundSeconds) {
      restart++;
    }
    return restart;
  }

  @Test
  void bonusEndpointCountsFollowTheScaleDownTheV2ReplicasAndTheSurge() {
    Matcher scale =
        Pattern.compile("kubectl scale deployment/model-server --replicas=(\\d+)")
            .matcher(Repo.read("EXERCISES.md"));
    assertThat(scale.find()).isTrue();
    int v1 = Integer.parseInt(scale.group(1));
    JsonNode v2 = ManifestTimings.yaml("k8s/deployment-v2.yaml").path("spec");
    int replicas = v2.path("replicas").asInt();
    String surge = v2.path("strategy").path("rollingUpdate").path("maxSurge").asText();
    int surgePods =
        surge.endsWith("%")
            ? (int) Math.ceil(replicas * Integer.parseInt(surge.replace("%", "")) / 100.0)
            : Integer.parseInt(surge);
    // A changed replica count is a scaling event, which the Deployment controller handles before
    // the new template: the only active ReplicaSet, v1's, is scaled to the new count first. Then
    // the
    // new ReplicaSet may grow up to replicas + surge pods in all; the old pods all stay until new
    // ones are available (maxUnavailable 0).
    int scaledV1 = replicas;
    int newPods = Math.min(replicas, replicas + surgePods - scaledV1);
    assertThat(v2.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt()).isZero();

    assertThat(solutions())
        .contains(
            ("The endpoints go %d → %d as v1 scales up, → %d + %d = %d while v2 joins, → %d as the v1"
                    + " pods leave, → 0 when v2 stalls")
                .formatted(v1, scaledV1, scaledV1, newPods, scaledV1 + newPods, replicas));
    assertThat(Repo.read("EXERCISES.md").replaceAll("\\s*\\n\\s*", " "))
        .contains(
            "grow from %d to %d (first a third v1 pod".formatted(v1, scaledV1 + newPods),
            "shrink to the %d v2 pods".formatted(replicas));
  }

  @Test
  void alertTimingsAreComputedFromScrapeEvaluationForAndGroupWait() {
    JsonNode values = ManifestTimings.yaml("k8s/prometheus-values.yaml");
    long scrape =
        ManifestTimings.seconds(
            values.path("server").path("global").path("scrape_interval").asText());
    long evaluation =
        ManifestTimings.seconds(
            values.path("server").path("global").path("evaluation_interval").asText());
    long groupWait =
        ManifestTimings.seconds(
            values
                .path("alertmanager")
                .path("config")
                .path("route")
                .path("routes")
                .path(0)
                .path("group_wait")
                .asText());
    Map<String, Long> forSeconds = new java.util.HashMap<>();
    for (JsonNode group : ManifestTimings.yaml("prometheus/alerting_rules.yml").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        forSeconds.put(
            rule.path("alert").asText(), ManifestTimings.seconds(rule.path("for").asText()));
      }
    }
    long degraded = forSeconds.get("ModelDegraded");
    long accuracy = forSeconds.get("ModelAccuracyLow");

    assertThat(solutions())
        .contains(
            "at least 0 + 0 + %d = %d s and at most %d + %d + %d = %d s"
                .formatted(
                    degraded,
                    degraded,
                    scrape,
                    evaluation,
                    degraded,
                    scrape + evaluation + degraded),
            "%d to %d + %d + %d = %d s after the self-evaluation"
                .formatted(accuracy, scrape, evaluation, accuracy, scrape + evaluation + accuracy),
            "at most %d + %d + %d + %d = %d s"
                .formatted(
                    scrape,
                    evaluation,
                    degraded,
                    groupWait,
                    scrape + evaluation + degraded + groupWait));
  }
}
