package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EXERCISES.md keeps every command of the course's exercise sheet as the course printed it (its
 * learners type exactly these), and adds, beside the ones that mislead on some clusters, what to
 * run instead: the Service through {@code $URL}, the newest events, {@code -w} where there is no
 * {@code watch}, the loader Job after Redis came back, and clean-up steps.
 */
class ExercisesGuideTest {

  /**
   * The course sheet's commands, line by line (a command over several lines is one entry, its lines
   * joined by newlines), each to be found as lines of a shell block of EXERCISES.md.
   */
  private static final List<String> SHEET_COMMANDS =
      List.of(
          "minikube start",
          "eval $(minikube docker-env)",
          "docker build -t model-server:v1 .",
          "docker build -t model-server:v2 -f Dockerfile.v2 .",
          "kubectl apply -f k8s/deployment.yaml",
          "kubectl apply -f k8s/service.yaml",
          "kubectl get pods",
          "kubectl describe pod <pod-name-from-above>",
          "kubectl get endpoints model-server",
          "URL=$(minikube service model-server --url)",
          "echo \"Service URL: $URL\"",
          "curl $URL/health",
          "curl $URL/ready",
          "curl $URL/metrics",
          "kubectl apply -f k8s/deployment-v2.yaml",
          "kubectl get pods -w",
          "kubectl get events --sort-by='.lastTimestamp' | head -20",
          "curl $(minikube service model-server --url)/health",
          "kubectl rollout history deployment/model-server",
          "kubectl rollout undo deployment/model-server",
          "kubectl get pods -o jsonpath='{.items[0].spec.containers[0].env}'",
          "helm repo add prometheus-community https://prometheus-community.github.io/helm-charts",
          "helm repo update",
          // The sheet's three lines, with the chart pinned on a fourth (README: the values are
          // tested against that chart).
          "helm install prometheus prometheus-community/prometheus \\\n"
              + "-f k8s/prometheus-values.yaml \\\n"
              + "--namespace monitoring --create-namespace \\\n"
              + "--version 29.27.0",
          "kubectl get pods -n monitoring -w",
          "minikube service prometheus-server -n monitoring",
          "kubectl scale deployment/model-server --replicas=2",
          "kubectl exec -it <pod-name> -- /bin/sh",
          "watch kubectl get endpoints model-server");

  private static String exercises;
  private static List<String> shellLines;

  @BeforeAll
  static void read() {
    exercises = Repo.read("EXERCISES.md");
    shellLines = new ArrayList<>();
    boolean shell = false;
    for (String line : exercises.split("\n", -1)) {
      String stripped = line.strip();
      if (stripped.startsWith("```")) {
        shell = !shell && stripped.matches("```(bash|sh|shell)");
        continue;
      }
      if (shell) {
        shellLines.add(stripped);
      }
    }
  }

  @Test
  void everyCommandOfTheSheetIsThereWordForWord() {
    String blocks = "\n" + String.join("\n", shellLines) + "\n";
    assertThat(SHEET_COMMANDS)
        .allSatisfy(command -> assertThat(blocks).contains("\n" + command + "\n"));
  }

  @Test
  void everyDirectMinikubeServiceCallHasTheUrlWayBesideIt() {
    String[] lines = exercises.split("\n", -1);
    int calls = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains("$(minikube service model-server --url)")) {
        calls++;
        String around =
            String.join(
                "\n", Arrays.copyOfRange(lines, Math.max(0, i - 6), Math.min(lines.length, i + 6)));
        assertThat(around).as("line " + (i + 1)).containsAnyOf("`curl $URL/health`", "set `URL`");
      }
    }
    // Only the sheet's three: the other requests of the exercises use $URL.
    assertThat(calls).isEqualTo(3);
    assertThat(String.join("\n", shellLines))
        .contains("scripts/traffic.sh --url \"$URL\"")
        .doesNotContain("port-forward svc/model-server");
  }

  @Test
  void theNewestEventsAreShownBesideTheSheetsOldestTwenty() {
    int head = shellLines.indexOf("kubectl get events --sort-by='.lastTimestamp' | head -20");
    assertThat(shellLines.subList(head, shellLines.size()))
        .contains(
            "kubectl get events --sort-by='.lastTimestamp' | tail -20",
            "kubectl events --for deployment/model-server");
  }

  @Test
  void watchHasTheWatchFlagBesideIt() {
    int watch = shellLines.indexOf("watch kubectl get endpoints model-server");
    assertThat(shellLines.subList(watch, shellLines.size()))
        .contains("kubectl get endpoints model-server -w");
  }

  @Test
  void redisComingBackIsFollowedByTheLoaderJobAgain() {
    int redisBack = shellLines.indexOf("kubectl scale deployment/redis --replicas=1");
    assertThat(redisBack).isNotNegative();
    assertThat(shellLines.subList(redisBack, shellLines.size()))
        .containsSubsequence(
            "kubectl delete job recommender-embeddings-loader",
            "kubectl apply -f k8s/recommender.yaml");
    assertThat(Repo.read("k8s/recommender.yaml")).contains("name: recommender-embeddings-loader");
  }

  @Test
  void thereIsACleanUpBeforeTheBonusAndAtTheEnd() {
    String bonus = exercises.substring(exercises.indexOf("## Bonus"));
    String beforeBonus = exercises.substring(0, exercises.indexOf("## Bonus"));
    assertThat(beforeBonus)
        .contains("kubectl delete -f k8s/rollback-controller.yaml")
        .contains("kubectl delete -f k8s/recommender.yaml");
    String end = bonus.substring(bonus.indexOf("## Clean up"));
    assertThat(end)
        .contains(
            "kubectl delete -f k8s/recommender.yaml",
            "kubectl delete -f k8s/rollback-controller.yaml",
            "helm uninstall prometheus --namespace monitoring",
            "kubectl delete deployment/model-server",
            "minikube delete",
            "kind delete cluster");
  }

  @Test
  void exerciseTwoDoesNotGiveTheFaultsAwayBeforeTheStudentWatches() {
    String ex2 = exercises.substring(exercises.indexOf("## Exercise 2"));
    String beforeWatching = ex2.substring(0, ex2.indexOf("**Watch the pods**"));
    assertThat(beforeWatching).doesNotContain("cents", "0.762", "60 seconds", "stall", "hang");
    assertThat(ex2.substring(0, ex2.indexOf("### Questions"))).contains("cents", "0.762");
  }

  @Test
  void earlyNotReadyIsCreditedToTheStartupProbe() {
    String ex1 = exercises.substring(0, exercises.indexOf("## Exercise 2"));
    String paragraph = ex1.substring(ex1.indexOf("`0/1` and `Running`"));
    paragraph = paragraph.substring(0, paragraph.indexOf("\n\n"));
    assertThat(paragraph).contains("startup probe").doesNotContain("That is the readiness probe");
    assertThat(Repo.read("k8s/deployment.yaml")).contains("startupProbe:");
  }
}
