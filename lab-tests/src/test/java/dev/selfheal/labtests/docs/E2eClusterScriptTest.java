package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The argument and prerequisite handling of {@code scripts/e2e-cluster.sh}, without a cluster: the
 * script runs from a copy of the repository layout with a PATH that holds only shell shims for
 * docker, kubectl, kind, minikube, helm and curl (which record their calls) plus a few core
 * utilities, or lacks them.
 */
class E2eClusterScriptTest {

  private static final List<String> CORE_UTILITIES =
      List.of("mktemp", "rm", "cat", "touch", "sleep", "grep", "head", "base64", "tr");

  @TempDir Path temp;

  private ScriptSandbox sandbox;
  private Path repo;

  @BeforeEach
  void copyTheScriptIntoAScratchLayout() throws IOException {
    sandbox = ScriptSandbox.in(temp, "/bin/sh");
    repo = sandbox.repo();
    Files.createDirectories(repo.resolve("k8s"));
    Files.createDirectories(repo.resolve("rollback-controller"));
    sandbox.copy("scripts/e2e-cluster.sh");
    for (String file :
        List.of(
            "Dockerfile",
            "Dockerfile.v2",
            "k8s/deployment.yaml",
            "k8s/deployment-v2.yaml",
            "k8s/service.yaml",
            "k8s/prometheus-values.yaml",
            "k8s/rollback-controller.yaml",
            "rollback-controller/Dockerfile")) {
      Files.writeString(repo.resolve(file), "# placeholder\n");
    }
    sandbox.wrap(CORE_UTILITIES, "coreutils/grep");
  }

  private void shim(String name, String body) throws IOException {
    sandbox.shim(name, body);
  }

  /** A working set of tools: a reachable kind cluster named "kind" under context kind-kind. */
  private void healthyTools() throws IOException {
    shim("docker", "exit 0");
    shim(
        "kubectl",
        """
        case "$1 $2" in
          "config current-context") echo kind-kind ;;
        esac
        exit 0\
        """);
    shim("kind", "[ \"$1 $2\" = \"get clusters\" ] && echo kind\nexit 0");
    shim("minikube", "exit 0");
    shim("helm", "exit 0");
    shim("curl", "exit 0");
  }

  private Shell.Result script(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Shell.which("bash", "bash").toString());
    command.add(repo.resolve("scripts/e2e-cluster.sh").toString());
    command.addAll(List.of(args));
    return Shell.run(
        temp, Map.of("PATH", sandbox.bin().toString(), "TMPDIR", temp.toString()), command);
  }

  private List<String> recordedCalls() throws IOException {
    return sandbox.recordedCalls();
  }

  @Test
  void helpDescribesEveryOption() {
    Shell.Result result = script("--help");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains(
            "--cluster kind|minikube",
            "--cluster-name",
            "--namespace",
            "--timeout",
            "--keep",
            "--with-prometheus",
            "--with-rollback-controller",
            "--check-only",
            "--dry-run",
            "-h, --help");
  }

  @Test
  void shortHelpFlagWorksToo() {
    assertThat(script("-h").stdout()).startsWith("Usage: scripts/e2e-cluster.sh");
  }

  @Test
  void unknownOptionIsAUsageErrorNamingIt() {
    Shell.Result result = script("--clutser", "kind");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("unknown option '--clutser'").contains("--help");
  }

  @Test
  void rejectsAClusterKindOtherThanKindOrMinikube() {
    Shell.Result result = script("--cluster", "k3d");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("--cluster must be kind, minikube or local, not 'k3d'");
  }

  @Test
  void rejectsATimeoutThatIsNotAPositiveNumber() {
    assertThat(script("--timeout", "0").stderr()).contains("--timeout must be a positive number");
    assertThat(script("--timeout", "5m").exitCode()).isEqualTo(2);
  }

  @Test
  void optionWithoutItsValueIsAUsageError() {
    Shell.Result result = script("--namespace");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("option --namespace needs a value");
    assertThat(script("--cluster", "--keep").stderr()).contains("option --cluster needs a value");
  }

  @Test
  void rejectsAnInvalidNamespaceName() {
    Shell.Result result = script("--namespace", "Lab_1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).contains("--namespace 'Lab_1' is not a valid name");
  }

  @Test
  void rollbackControllerNeedsTheDefaultNamespace() {
    Shell.Result result = script("--with-rollback-controller", "--namespace", "lab");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .contains("--with-rollback-controller and --with-recommender need --namespace default");
  }

  @Test
  void namesEveryMissingToolAndStopsBeforeDoingAnything() {
    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("missing prerequisites")
        .contains("- docker: install Docker")
        .contains("- kubectl: install kubectl")
        .contains("- curl: install curl")
        .contains("- kind or minikube: install one of them")
        .doesNotContain("helm");
  }

  @Test
  void asksForTheChosenClusterToolOnly() throws IOException {
    healthyTools();
    Files.delete(sandbox.bin().resolve("minikube"));

    Shell.Result result = script("--check-only", "--cluster", "minikube");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("- minikube: install minikube").doesNotContain("- kind");
  }

  @Test
  void helmIsRequiredOnlyWithPrometheus() throws IOException {
    healthyTools();
    Files.delete(sandbox.bin().resolve("helm"));

    assertThat(script("--check-only").exitCode()).isZero();
    Shell.Result result = script("--check-only", "--with-prometheus");
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("- helm: install Helm 3").contains("--with-prometheus");
  }

  @Test
  void namesMissingRepositoryFiles() throws IOException {
    healthyTools();
    Files.delete(repo.resolve("Dockerfile.v2"));
    Files.delete(repo.resolve("k8s/prometheus-values.yaml"));

    Shell.Result result = script("--check-only", "--with-prometheus");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("- Dockerfile.v2: missing")
        .contains("- k8s/prometheus-values.yaml: missing");
  }

  @Test
  void checkOnlyProbesDockerTheClusterAndKindAndChangesNothing() throws IOException {
    healthyTools();

    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("all prerequisites found (kind 'kind', namespace default)");
    assertThat(recordedCalls())
        .contains("docker info", "kind get clusters")
        .anyMatch(call -> call.startsWith("kubectl cluster-info"))
        .noneMatch(
            call -> call.contains("build") || call.contains("apply") || call.contains("load"));
  }

  @Test
  void saysSoWhenTheClusterCannotBeReached() throws IOException {
    healthyTools();
    shim(
        "kubectl",
        """
        case "$1" in
          cluster-info) echo 'connection refused' >&2; exit 1 ;;
          config) echo kind-kind ;;
        esac
        exit 0\
        """);

    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("a reachable cluster: 'kubectl cluster-info' failed")
        .contains("kind create cluster");
  }

  @Test
  void saysSoWhenTheDockerDaemonIsNotRunning() throws IOException {
    healthyTools();
    shim("docker", "exit 1");

    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("a running Docker daemon: 'docker info' failed");
  }

  @Test
  void namesAMissingKindCluster() throws IOException {
    healthyTools();

    Shell.Result result = script("--check-only", "--cluster-name", "lab");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("kind cluster 'lab': not in 'kind get clusters'");
  }

  @Test
  void detectsMinikubeFromTheKubectlContext() throws IOException {
    healthyTools();
    shim("kubectl", "[ \"$1 $2\" = \"config current-context\" ] && echo minikube\nexit 0");

    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout()).contains("(minikube 'minikube', namespace default)");
    assertThat(recordedCalls()).contains("minikube status -p minikube");
  }

  @Test
  void asksForClusterWhenTheContextIsNeitherKindNorMinikube() throws IOException {
    healthyTools();
    shim("kubectl", "[ \"$1 $2\" = \"config current-context\" ] && echo prod-eu\nexit 0");

    Shell.Result result = script("--check-only");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stderr()).contains("(current: 'prod-eu'): pass --cluster kind|minikube");
  }

  @Test
  void dryRunPrintsTheLabCommandsAndRunsNone() throws IOException {
    healthyTools();

    Shell.Result result = script("--dry-run", "--with-prometheus");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("+ docker build -t model-server:v1 .")
        .contains("+ docker build -t model-server:v2 -f Dockerfile.v2 .")
        .contains("+ kind load docker-image model-server:v1 model-server:v2 --name kind")
        .doesNotContain("rollback-controller:v1")
        .contains("apply -f " + repo.resolve("k8s/deployment.yaml"))
        .contains("apply -f " + repo.resolve("k8s/service.yaml"))
        .contains("apply -f " + repo.resolve("k8s/deployment-v2.yaml"))
        .contains("+ kubectl -n default rollout undo deployment/model-server")
        .contains("prometheus-community/prometheus --version 29.27.0")
        .contains("-f " + repo.resolve("k8s/prometheus-values.yaml"))
        .contains("--namespace monitoring --create-namespace")
        .contains("RESULT: PASS");
    assertThat(recordedCalls()).containsOnly("kubectl config current-context");
  }

  @Test
  void whenKindCannotLoadTheImagesItLoadsAnArchiveOfThisPlatform() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\n");
    // Docker 29's containerd image store (kind#4066): kind load docker-image fails.
    shim(
        "kind",
        """
        case "$1 $2" in
          "get clusters") echo kind ;;
          "load docker-image") echo 'ctr: content digest sha256:44b2: not found' >&2; exit 1 ;;
        esac
        exit 0\
        """);
    shim("docker", "[ \"$1\" = version ] && echo linux/arm64\nexit 0");

    Shell.Result result = script("--timeout", "20");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout()).contains("loading an archive of this platform's images instead");
    assertThat(recordedCalls())
        .containsSubsequence(
            "kind load docker-image model-server:v1 model-server:v2 --name kind",
            "docker version -f {{.Server.Os}}/{{.Server.Arch}}")
        .anyMatch(call -> call.matches("kind load image-archive .*/images.tar --name kind"))
        .anyMatch(
            call ->
                call.matches(
                    "docker save --platform linux/arm64 -o .*/images.tar model-server:v1"
                        + " model-server:v2"))
        .noneMatch(call -> call.contains("port-forward svc/model-server"));
  }

  @Test
  void dryRunLoadsImagesWithMinikubeAndWaitsForTheControllerInsteadOfUndo() throws IOException {
    healthyTools();

    Shell.Result result =
        script("--dry-run", "--cluster", "minikube", "--with-rollback-controller", "--skip-build");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("skipped by --skip-build")
        .contains("+ minikube -p minikube image load model-server:v1")
        .contains("+ minikube -p minikube image load model-server:v2")
        .contains("+ minikube -p minikube image load rollback-controller:v1")
        .contains("apply -f " + repo.resolve("k8s/rollback-controller.yaml"))
        .contains("until the rollback controller has put MODEL_VERSION v1.0 back")
        .doesNotContain("rollout undo")
        .doesNotContain("docker build");
  }

  @Test
  void withAlertsAndTheControllerItWaitsForTheAlertNotForTheStall() throws IOException {
    healthyTools();

    Shell.Result result = script("--dry-run", "--with-prometheus", "--with-rollback-controller");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("until v2 pods exist")
        .contains("PASS     0s  alert ModelDegraded fires for v2")
        .contains("rollback controller undoes v2")
        .contains("alert ModelDegraded resolves after the rollback")
        .doesNotContain("a v2 pod has restarted")
        .doesNotContain("rollout undo");
  }

  /**
   * A stand-in cluster: kubectl keeps the deployed release in a state file and answers the script's
   * queries as a cluster would (v1: 3 ready pods and 3 endpoints; v2: stalled pods that are unready
   * and restarted, no endpoints); curl answers as the server behind a port-forward. After the
   * rollback a v2 pod is still terminating (its preStop sleep and drain take several seconds), and
   * its name sorts before the v1 pods', as the ReplicaSet hashes often do.
   */
  private void fakeCluster(String v2Pods) throws IOException {
    healthyTools();
    Path state = temp.resolve("release");
    Files.writeString(state, "none");
    shim(
        "kubectl",
        """
        state='%s'
        release=$(cat "$state")
        case "$*" in
          "config current-context") echo kind-kind ;;
          *"delete deployment model-server"*) echo none > "$state" ;;
          *"apply -f "*deployment-v2.yaml) echo v2 > "$state" ;;
          *"apply -f "*deployment.yaml) echo v1 > "$state" ;;
          *"rollout undo"*) echo v1 > "$state" ;;
          *"port-forward"*) exec sleep 30 ;;
          *"get pods"*"labels.version"*)
            if [ "$release" = v1 ]; then
              printf 'model-server-0-v2 v2 false 0 2026-11-26T12:00:00Z\nmodel-server-a-1 v1 true 0 \n'
              printf 'model-server-a-2 v1 true 0 \nmodel-server-a-3 v1 true 0 \n'
            elif [ "$release" = v2 ]; then
              printf '%s'
            fi ;;
          *"get endpoints"*) [ "$release" = v1 ] && echo "10.244.0.5 10.244.0.6 10.244.0.7" ;;
          *"items[0].spec.containers[0].env}"*)
            echo '[{"name":"MODEL_VERSION","value":"v2.0"},{"name":"SHUTDOWN_GRACE_SECONDS","value":"20"}]' ;;
          *"containers[0].env}"*)
            echo 'model-server-0-v2|2026-11-26T12:00:00Z|[{"name":"MODEL_VERSION","value":"v2.0"}]'
            for i in 1 2 3; do
              echo "model-server-a-$i||"'[{"name":"MODEL_VERSION","value":"v1.0"}]'
            done ;;
          *"items[*].metadata.name}"*) echo "model-server-a-1 model-server-a-2 model-server-a-3" ;;
          *"get events"*)
            printf 'Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503\n'
            printf 'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 503\n'
            printf 'Killing: Container model-server failed liveness probe, will be restarted\n' ;;
        esac
        exit 0\
        """
            .formatted(state, v2Pods));
    shim("curl", CURL_AS_MODEL_SERVER);
  }

  /** curl as the model server behind a port-forward answers; exit 2 for anything else. */
  private static final String CURL_AS_MODEL_SERVER =
      """
      for arg in "$@"; do
        case "$arg" in
          http://*/predict) echo '{"prediction":"legitimate","confidence":0.95,"version":"v1.0"}'; exit 0 ;;
          http://*/metrics) printf '# TYPE model_accuracy gauge\nmodel_accuracy{version="v1.0"} 0.947\n'; exit 0 ;;
          http://*) echo '{"status":"ready"}'; exit 0 ;;
        esac
      done
      exit 2\
      """;

  @Test
  void runsTheWholeLabAgainstAClusterAndCleansUp() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\nmodel-server-b-2 v2 false 2 \\n");

    Shell.Result result = script("--timeout", "20");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("ok: 3 v1 pods are ready and the Service has 3 endpoints")
        .contains("ok: a v2 pod is unready and the Service has fewer than 3 endpoints")
        .contains("ok: a v2 pod has restarted")
        .containsPattern("rollback took \\d+ s")
        .contains("env of model-server-a-1: [{\"name\":\"MODEL_VERSION\",\"value\":\"v1.0\"}]")
        .contains("env of model-server-a-3: [{\"name\":\"MODEL_VERSION\",\"value\":\"v1.0\"}]")
        .doesNotContain("model-server-0-v2")
        .contains("7 of 7 steps passed")
        .contains("RESULT: PASS");
    List<String> calls = recordedCalls();
    assertThat(calls)
        .containsSubsequence(
            "docker build -t model-server:v1 .",
            "docker build -t model-server:v2 -f Dockerfile.v2 .",
            "kind load docker-image model-server:v1 model-server:v2 --name kind",
            "kubectl -n default apply -f " + repo.resolve("k8s/deployment.yaml"),
            "kubectl -n default apply -f " + repo.resolve("k8s/deployment-v2.yaml"),
            "kubectl -n default rollout undo deployment/model-server",
            "kubectl -n default rollout history deployment/model-server",
            "kubectl -n default delete deployment/model-server service/model-server"
                + " --ignore-not-found --wait=false");
  }

  @Test
  void aV2ThatNeverFailsTimesOutTheStepAndStillCleansUp() throws IOException {
    fakeCluster("model-server-b-1 v2 true 0 \\n");

    Shell.Result result = script("--timeout", "4", "--namespace", "lab");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stderr())
        .contains(
            "timed out after 4s waiting until a v2 pod is unready and the Service has fewer than 3"
                + " endpoints");
    assertThat(result.stdout())
        .containsPattern("FAIL +\\d+s  deploy v2: unready and restarting pods observed")
        .containsPattern("SKIP +0s  kubectl rollout undo; 3 v1 pods ready again")
        .contains("namespace lab")
        .contains("RESULT: FAIL");
    // --namespace: the manifests are applied as copies with that namespace.
    assertThat(Files.readString(sandbox.calls()))
        .contains("kubectl -n lab apply -f ")
        .doesNotContain("rollout undo")
        .contains("kubectl -n lab delete deployment/model-server service/model-server");
  }

  @Test
  void aFailingStepFailsTheRunAndSkipsTheRestWithASummary() throws IOException {
    healthyTools();
    shim("docker", "[ \"$1\" = build ] && { echo 'no space left on device' >&2; exit 1; }\nexit 0");

    Shell.Result result = script("--timeout", "5");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stdout())
        .containsPattern("FAIL +\\d+s  build images model-server:v1 and model-server:v2")
        .containsPattern("SKIP +0s  deploy v1: 3/3 ready, 3 endpoints")
        .containsPattern("SKIP +0s  kubectl rollout undo; 3 v1 pods ready again")
        .contains("0 of 7 steps passed")
        .contains("RESULT: FAIL");
    // Nothing was deployed, so there is nothing to clean up.
    assertThat(recordedCalls())
        .anyMatch(call -> call.startsWith("docker build -t model-server:v1"))
        .noneMatch(call -> call.contains("apply") || call.contains("delete"));
  }

  @Test
  void readsTheVersionFromLivePodsNotFromATerminatingV2PodThatSortsFirst() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\n");

    Shell.Result result = script("--timeout", "20");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .contains("PASS")
        .containsPattern("PASS +\\d+s  recovered: MODEL_VERSION v1.0, 3 endpoints")
        .doesNotContain("env of model-server-0-v2");
    assertThat(result.stderr()).doesNotContain("is not v1.0");
  }

  /** helm for a Prometheus install: {@code status} says whether the release existed before. */
  private void helm(boolean releaseExists, boolean installFails) throws IOException {
    shim(
        "helm",
        """
        case "$1" in
          status) exit %d ;;
          upgrade) %s ;;
        esac
        exit 0\
        """
            .formatted(
                releaseExists ? 0 : 1,
                installFails ? "echo 'Error: context deadline exceeded' >&2; exit 1" : "exit 0"));
  }

  @Test
  void aPrometheusInstallThatFailsHalfWayIsUninstalled() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\n");
    helm(false, true);

    Shell.Result result = script("--timeout", "4", "--with-prometheus");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stdout()).containsPattern("FAIL +\\d+s  install Prometheus chart");
    assertThat(recordedCalls()).contains("helm uninstall prometheus --namespace monitoring");
  }

  @Test
  void aPrometheusReleaseThatWasThereBeforeIsLeftAlone() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\n");
    helm(true, true);

    Shell.Result result = script("--timeout", "4", "--with-prometheus");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(recordedCalls()).noneMatch(call -> call.startsWith("helm uninstall"));
  }

  @Test
  void waitsForAlertmanagerAndKubeStateMetricsNotOnlyTheServer() throws IOException {
    healthyTools();

    Shell.Result result = script("--dry-run", "--with-prometheus");

    assertThat(result.stdout())
        .contains("+ kubectl -n monitoring rollout status deployment/prometheus-server")
        .contains("+ kubectl -n monitoring rollout status statefulset/prometheus-alertmanager")
        .contains(
            "+ kubectl -n monitoring rollout status deployment/prometheus-kube-state-metrics");
  }

  @Test
  void aFailedStepDumpsTheStateAndTheLogsOfEveryComponent() throws IOException {
    // The stand-in Prometheus never answers a query, so the baseline step times out.
    fakeCluster("model-server-b-1 v2 false 1 \\n");

    Shell.Result result =
        script("--timeout", "4", "--with-prometheus", "--with-rollback-controller");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stdout())
        .containsPattern("FAIL +\\d+s  Prometheus scrapes v1")
        .contains("=== diagnostics after the failed step")
        .contains("--- logs of model-server-a-2, previous container")
        .contains("--- logs of Alertmanager");
    assertThat(recordedCalls())
        .contains(
            "kubectl -n default get events --sort-by=.lastTimestamp",
            "kubectl -n default describe pods -l app=model-server",
            "kubectl -n default logs model-server-a-1 --tail=100",
            "kubectl -n default logs model-server-a-3 --previous --tail=100",
            "kubectl -n default logs deployment/rollback-controller --tail=200",
            "kubectl -n monitoring get pods -o wide",
            "kubectl -n monitoring logs deployment/prometheus-server -c prometheus-server"
                + " --tail=100",
            "kubectl -n monitoring logs statefulset/prometheus-alertmanager --tail=100",
            "kubectl -n monitoring logs deployment/prometheus-kube-state-metrics --tail=100");
  }

  @Test
  void aPassingRunDumpsNothing() throws IOException {
    fakeCluster("model-server-b-1 v2 false 1 \\n");

    Shell.Result result = script("--timeout", "20");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout()).doesNotContain("diagnostics");
    assertThat(recordedCalls()).noneMatch(call -> call.contains(" logs "));
  }

  @Test
  void aDryRunDoesNotClaimARollbackTime() throws IOException {
    healthyTools();

    Shell.Result result = script("--dry-run");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .doesNotContain("rollback took")
        .contains("(time the rollback from start to a recovered Service)");
  }

  @Test
  void dryRunOfTheWholeLabReappliesV2AndRefusesThePatchAfterTheControllersRollback()
      throws IOException {
    healthyTools();

    Shell.Result result = script("--dry-run", "--all");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout().lines().toList())
        .containsSubsequence(
            "  PASS     0s  exercise 4: the rollback controller undoes v2 on its own; 3 v1 pods"
                + " ready",
            "  PASS     0s  exercise 4: alert ModelDegraded resolves after the rollback",
            "  PASS     0s  exercise 4: v2 re-applied; the controller does not fight it (one"
                + " RollbackWithheld Event, v2 stays)",
            "  PASS     0s  exercise 4: patch taken from its Role, mark cleared: refused (403, 503"
                + " to Alertmanager); Role restored, v1 back",
            "  PASS     0s  exercise 5: recommender, Redis, profile API, loader Job; pods ready"
                + " after the warm-up");
    String noFight =
        result
            .stdout()
            .substring(result.stdout().indexOf("== exercise 4: v2 re-applied"))
            .substring(
                0,
                result.stdout().indexOf("== exercise 5:")
                    - result.stdout().indexOf("== exercise 4: v2 re-applied"));
    assertThat(noFight.lines().filter(line -> line.startsWith("+ ")).toList())
        .containsExactly(
            "+ kubectl -n default apply -f " + repo.resolve("k8s/deployment-v2.yaml"),
            "+ (wait up to 300s until the controller records a RollbackWithheld Event on the"
                + " Deployment instead of rolling back)",
            "+ (check that the template is still MODEL_VERSION v2.0 and the Event is one Warning"
                + " naming kubectl annotate rs <v2 ReplicaSet>"
                + " rollback.selfheal.dev/bad-revision-)",
            "+ kubectl -n default patch role rollback-controller --type=json -p "
                + ROLE_WITHOUT_PATCH,
            "+ (wait up to 300s until the controller's ServiceAccount may no longer patch"
                + " Deployments)",
            "+ kubectl -n default annotate deployment model-server"
                + " rollback.selfheal.dev/cooldown-seconds=0 --overwrite",
            "+ kubectl -n default annotate rs <v2 ReplicaSet> rollback.selfheal.dev/bad-revision-",
            "+ (wait up to 300s until the controller's rollback patch is refused (403): 503 with"
                + " Retry-After to Alertmanager, or"
                + " rollback_controller_rollback_failures_total{reason=\"patch_failed\"} rises)",
            "+ kubectl apply -f " + repo.resolve("k8s/rollback-controller.yaml"),
            "+ (wait up to 300s until the controller's ServiceAccount may patch Deployments again)",
            "+ (wait up to 300s until the controller has retried and put MODEL_VERSION v1.0 back in"
                + " the Deployment)",
            "+ (wait up to 300s until 3 v1 pods are ready, no v2 pod is left and the Service has 3"
                + " endpoints)",
            "+ (remove rollback.selfheal.dev/cooldown-seconds from the Deployment if the rollback"
                + " left it)");
    assertThat(recordedCalls()).containsOnly("kubectl config current-context");
  }

  /**
   * The JSON patch that takes {@code patch} from the Role's Deployment rule only: its own tests
   * make it fail unless rule 0 is that rule with exactly the manifest's verbs.
   */
  private static final String ROLE_WITHOUT_PATCH =
      "[{\"op\":\"test\",\"path\":\"/rules/0/resources\",\"value\":[\"deployments\"]},"
          + "{\"op\":\"test\",\"path\":\"/rules/0/verbs\",\"value\":[\"get\",\"list\",\"watch\",\"patch\"]},"
          + "{\"op\":\"replace\",\"path\":\"/rules/0/verbs\",\"value\":[\"get\",\"list\",\"watch\"]}]";

  @Test
  void theJsonPatchTakesPatchFromTheManifestsDeploymentRuleOnly() {
    // The manifest's first rule is the one the patch tests for and narrows; the Lease rules stay.
    String manifest = Repo.read("k8s/rollback-controller.yaml");
    String rules =
        manifest.substring(manifest.indexOf("rules:"), manifest.indexOf("kind: RoleBinding"));
    List<String> resources =
        rules.lines().filter(line -> line.contains("resources:")).map(String::strip).toList();
    assertThat(resources.get(0)).isEqualTo("resources: [\"deployments\"]");
    assertThat(
            rules.lines().filter(line -> line.contains("verbs:")).findFirst().orElseThrow().strip())
        .isEqualTo("verbs: [\"get\", \"list\", \"watch\", \"patch\"]");
    assertThat(Repo.read("scripts/e2e-cluster.sh"))
        .contains("role_without_patch='" + ROLE_WITHOUT_PATCH + "'");
  }

  /**
   * A stand-in cluster for Exercise 4 with Prometheus and the controller: kubectl keeps the
   * release, the Role and the bad-revision mark in state files and plays the controller (it rolls
   * the first v2 back, withholds on the re-applied one, is refused while the Role lacks {@code
   * patch} and the mark is cleared, and rolls back once the Role is back); curl answers as
   * Prometheus and the model server. {@code refuses} false: the controller never gets to its
   * refused patch.
   */
  private void fakeControllerCluster(boolean refuses) throws IOException {
    healthyTools();
    Path state = temp.resolve("state");
    Files.createDirectories(state);
    Files.writeString(state.resolve("release"), "none");
    Files.writeString(state.resolve("role"), "full");
    Files.writeString(state.resolve("v2-applies"), "0");
    Files.writeString(state.resolve("mark"), "set");
    Files.writeString(state.resolve("refused"), "0");
    Files.writeString(state.resolve("cooldown"), "");
    shim(
        "kubectl",
        """
        s='%s'
        release=$(cat "$s/release"); role=$(cat "$s/role"); mark=$(cat "$s/mark")
        applies=$(cat "$s/v2-applies"); cooldown=$(cat "$s/cooldown")
        case "$*" in
          "config current-context") echo kind-kind ;;
          *"delete deployment model-server"*) echo none > "$s/release" ;;
          *"apply -f "*deployment-v2.yaml)
            echo v2 > "$s/release"; echo $((applies + 1)) > "$s/v2-applies"; echo set > "$s/mark" ;;
          *"apply -f "*deployment.yaml) echo v1 > "$s/release" ;;
          *"apply -f "*rollback-controller.yaml) echo full > "$s/role" ;;
          *"patch role rollback-controller --type=json"*) echo narrow > "$s/role" ;;
          *"auth can-i patch deployments.apps"*)
            if [ "$role" = narrow ]; then echo no; exit 1; fi; echo yes ;;
          *"auth can-i"*) echo yes ;;
          *"annotate rs model-server-b rollback.selfheal.dev/bad-revision-"*) echo cleared > "$s/mark" ;;
          *"annotate deployment model-server rollback.selfheal.dev/cooldown-seconds=0 --overwrite")
            echo 0 > "$s/cooldown" ;;
          *"annotate deployment model-server rollback.selfheal.dev/cooldown-seconds-") : > "$s/cooldown" ;;
          *"get deployment model-server -o jsonpath={.metadata.annotations.rollback"*) echo "$cooldown" ;;
          *"get rs -l app=model-server,version=v2"*) echo model-server-b ;;
          *"get deployment model-server -o jsonpath={.metadata.uid}"*) echo 0f1e-uid ;;
          *"get --raw"*"/proxy/metrics"*)
            if %s && [ "$role" = narrow ] && [ "$mark" = cleared ] && [ "$cooldown" = 0 ]; then
              echo 1 > "$s/refused"
            fi
            echo 'rollback_controller_decisions_ignored_total{reason="reapplied_bad_revision",trigger="alert"} 3.0'
            echo 'rollback_controller_decisions_ignored_total{reason="reapplied_bad_revision",trigger="rollout"} 0.0'
            echo 'rollback_controller_rollback_failures_total{reason="conflict"} 0.0'
            echo 'rollback_controller_rollback_failures_total{reason="patch_failed"} '"$(cat "$s/refused").0" ;;
          *"logs deployment/rollback-controller"*)
            [ "$(cat "$s/refused")" = 1 ] && echo 'WARN AlertsHandler - Answering 503 to receiver rollback-controller: 1 of 1 alerts' ;;
          *"port-forward"*) exec sleep 30 ;;
          *'"MODEL_VERSION")].value}'*)
            # The controller: it rolls v2 back, except when its mark says v2 was re-applied on purpose,
            # within its cooldown, or while its Role lacks patch. Its patch replaces the Deployment's
            # annotations, the cooldown override with them.
            if [ "$release" = v2 ]; then
              if [ "$applies" = 1 ] || { [ "$mark" = cleared ] && [ "$role" = full ] && [ "$cooldown" = 0 ]; }; then
                echo v1 > "$s/release"; release=v1; : > "$s/cooldown"
              fi
            fi
            if [ "$release" = v2 ]; then echo v2.0; else echo v1.0; fi ;;
          *"get pods"*"labels.version"*)
            if [ "$release" = v1 ]; then
              printf 'model-server-a-1 v1 true 0 \nmodel-server-a-2 v1 true 0 \nmodel-server-a-3 v1 true 0 \n'
            elif [ "$release" = v2 ]; then
              printf 'model-server-b-1 v2 true 0 \nmodel-server-b-2 v2 true 0 \n'
            fi ;;
          *"get endpoints"*) [ "$release" = v1 ] && echo "10.244.0.5 10.244.0.6 10.244.0.7" ;;
          *"containers[0].env}"*)
            for i in 1 2 3; do
              echo "model-server-a-$i||"'[{"name":"MODEL_VERSION","value":"v1.0"}]'
            done ;;
          *"reason=RollbackWithheld,involvedObject.name=model-server,involvedObject.uid=0f1e-uid"*)
            [ "$applies" -ge 2 ] && echo '1 Warning Not rolling back revision 8 (model-server-b): it was rolled back from before and re-applied; to let the controller act on it again: kubectl annotate rs model-server-b rollback.selfheal.dev/bad-revision-' ;;
          *"reason=RolledBack"*) echo 'Rolled back alert ModelDegraded: revision 8 -> revision 9' ;;
        esac
        exit 0\
        """
            .formatted(state, refuses));
    shim(
        "curl",
        """
        for arg in "$@"; do
          case "$arg" in
            *'query=model_accuracy{version="v1.0"}'*)
              echo '{"status":"success","data":{"result":[{"metric":{}},{"metric":{}},{"metric":{}}]}}'; exit 0 ;;
            *'query=max_over_time(ALERTS{alertname="ModelDegraded"'*)
              echo '{"status":"success","data":{"result":[{"metric":{}}]}}'; exit 0 ;;
            *'query='*) echo '{"status":"success","data":{"result":[]}}'; exit 0 ;;
          esac
        done
        """
            + CURL_AS_MODEL_SERVER);
  }

  @Test
  void afterTheControllersRollbackItWithholdsOnAReappliedV2AndRetriesARefusedPatch()
      throws IOException {
    fakeControllerCluster(true);

    Shell.Result result =
        script(
            "--timeout", "20", "--with-prometheus", "--with-rollback-controller", "--skip-build");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout())
        .containsPattern("PASS +\\d+s  v2 re-applied; the controller does not fight it")
        .containsPattern("PASS +\\d+s  patch taken from its Role, mark cleared")
        .contains("observed: ex4-reapply-template = v2.0")
        .contains("observed: ex4-reapply-events = 1 Warning RollbackWithheld")
        .contains("observed: ex4-reapply-decisions = 3 alert, 0 watch")
        .contains("observed: ex4-refusal-seen = 1 × 503 to Alertmanager, patch_failed +1")
        .containsPattern("observed: ex4-retry-patch = \\d+ s")
        .contains("15 of 15 steps passed")
        .contains("RESULT: PASS");
    List<String> calls = recordedCalls();
    assertThat(calls)
        .containsSubsequence(
            "kubectl -n default apply -f " + repo.resolve("k8s/deployment-v2.yaml"),
            "kubectl -n default apply -f " + repo.resolve("k8s/deployment-v2.yaml"),
            "kubectl -n default patch role rollback-controller --type=json -p "
                + ROLE_WITHOUT_PATCH,
            "kubectl -n default annotate rs model-server-b rollback.selfheal.dev/bad-revision-",
            "kubectl apply -f " + repo.resolve("k8s/rollback-controller.yaml"));
    // The Role was put back by the step itself: the clean-up has nothing to restore, and the
    // Lease's rules were checked while patch was gone.
    assertThat(result.stdout()).doesNotContain("restoring the rollback controller's Role");
    assertThat(calls)
        .contains(
            "kubectl -n default annotate deployment model-server"
                + " rollback.selfheal.dev/cooldown-seconds=0 --overwrite")
        .noneMatch(call -> call.endsWith("rollback.selfheal.dev/cooldown-seconds-"));
    assertThat(calls)
        .contains(
            "kubectl auth can-i patch leases.coordination.k8s.io/rollback-controller -n default"
                + " --as=system:serviceaccount:default:rollback-controller");
  }

  @Test
  void whenTheRefusalNeverComesTheStepFailsAndTheTrapPutsTheRoleBack() throws IOException {
    fakeControllerCluster(false);

    Shell.Result result =
        script("--timeout", "4", "--with-prometheus", "--with-rollback-controller", "--skip-build");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("waiting until the controller's rollback patch is refused");
    assertThat(result.stdout())
        .containsPattern("PASS +\\d+s  v2 re-applied; the controller does not fight it")
        .containsPattern("FAIL +\\d+s  patch taken from its Role, mark cleared")
        .contains("--- the rollback controller's Role")
        .contains("restoring the rollback controller's Role from k8s/rollback-controller.yaml")
        .contains("RESULT: FAIL");
    List<String> calls = recordedCalls();
    assertThat(calls)
        .containsSubsequence(
            "kubectl -n default patch role rollback-controller --type=json -p "
                + ROLE_WITHOUT_PATCH,
            "kubectl apply -f " + repo.resolve("k8s/rollback-controller.yaml"),
            "kubectl -n default annotate deployment model-server"
                + " rollback.selfheal.dev/cooldown-seconds-",
            "kubectl delete -f "
                + repo.resolve("k8s/rollback-controller.yaml")
                + " --ignore-not-found --wait=false");
    assertThat(Files.readString(temp.resolve("state/role")).strip()).isEqualTo("full");
    assertThat(Files.readString(temp.resolve("state/cooldown"))).isEmpty();
  }

  @Test
  void aReappliedV2ThatTheControllerRollsBackAgainFailsTheNoFightStep() throws IOException {
    fakeControllerCluster(true);
    // This controller fights: it rolls back every v2 and records no RollbackWithheld Event.
    String kubectl = Files.readString(sandbox.bin().resolve("kubectl"));
    Files.writeString(
        sandbox.bin().resolve("kubectl"),
        kubectl
            .replace("if [ \"$applies\" = 1 ] ||", "if true ||")
            .replace(
                "[ \"$applies\" -ge 2 ] && echo '1 Warning",
                "[ \"$applies\" -ge 9 ] && echo '1 Warning"));

    Shell.Result result =
        script("--timeout", "4", "--with-prometheus", "--with-rollback-controller", "--skip-build");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stderr())
        .contains("waiting until the controller records a RollbackWithheld Event");
    assertThat(result.stdout())
        .containsPattern("FAIL +\\d+s  v2 re-applied; the controller does not fight it")
        .containsPattern("SKIP +0s  patch taken from its Role")
        .doesNotContain("restoring the rollback controller's Role");
    assertThat(recordedCalls()).noneMatch(call -> call.contains("patch role"));
  }

  @Test
  void aRollbackWithheldEventFromBeforeTheReapplyDoesNotCount() throws IOException {
    fakeControllerCluster(true);
    // The Event is there from the first v2 on (as one of an earlier apply would be), and no new one
    // follows the re-apply.
    String kubectl = Files.readString(sandbox.bin().resolve("kubectl"));
    Files.writeString(
        sandbox.bin().resolve("kubectl"),
        kubectl.replace(
            "[ \"$applies\" -ge 2 ] && echo '1 Warning",
            "[ \"$applies\" -ge 1 ] && echo '1 Warning"));

    Shell.Result result =
        script("--timeout", "4", "--with-prometheus", "--with-rollback-controller", "--skip-build");

    assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
    assertThat(result.stdout())
        .containsPattern("FAIL +\\d+s  v2 re-applied; the controller does not fight it");
    assertThat(result.stderr())
        .contains("waiting until the controller records a RollbackWithheld Event");
  }
}
