package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.selfheal.labtests.docs.ShellCommands.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No dead commands: every shell command in README.md and EXERCISES.md, and every file, image,
 * Deployment, Service, label, namespace, port, script option, endpoint, metric and alert they name,
 * exists in the repository. Commands of a kind this test does not know fail it, so a new kind of
 * command gets a check too.
 */
class DocsCommandsTest {

  private static final Pattern SUBSHELL =
      Pattern.compile("\\$\\(([^()]*(?:\\([^()]*\\)[^()]*)*)\\)");
  private static final Pattern METRIC = Pattern.compile("\\bmodel_[a-z_]+\\b");
  private static final Pattern ALERT = Pattern.compile("`(Model[A-Z][A-Za-z]+)`");
  private static final Set<String> PLACEHOLDERS =
      Set.of("<pod>", "<pod-name>", "<pod-name-from-above>");

  private static LabObjects objects;
  private static Set<String> serverRoutes;
  private static Set<String> metricNames;
  private static Set<String> alertNames;

  @BeforeAll
  static void readTheRepository() throws IOException {
    objects = LabObjects.load();
    serverRoutes = new HashSet<>();
    String routes =
        Repo.read("model-server/src/main/java/dev/selfheal/modelserver/server/HttpApi.java");
    if (routes.contains("MetricsEndpoint.route(")) {
      // The shared endpoint names its own path.
      routes +=
          Repo.read("service-runtime/src/main/java/dev/selfheal/runtime/http/MetricsEndpoint.java");
    }
    Matcher route = Pattern.compile("\"(/[a-z0-9/]*)\"").matcher(routes);
    while (route.find()) {
      serverRoutes.add(route.group(1));
    }
    metricNames = new HashSet<>();
    Matcher metric =
        Pattern.compile("\"(model_[a-z_]+)\"")
            .matcher(
                Repo.read(
                    "model-server/src/main/java/dev/selfheal/modelserver/metrics/ModelMetrics.java"));
    while (metric.find()) {
      metricNames.add(metric.group(1));
    }
    alertNames = new HashSet<>();
    JsonNode rules =
        new ObjectMapper(new YAMLFactory()).readTree(Repo.read("prometheus/alerting_rules.yml"));
    rules
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> alertNames.add(r.path("alert").asText())));
  }

  @Test
  void theRepositoryFactsAreFound() {
    assertThat(objects.hasDeployment("model-server")).isTrue();
    assertThat(objects.hasService("model-server")).isTrue();
    assertThat(serverRoutes).contains("/health", "/ready", "/metrics", "/predict", "/feedback");
    assertThat(metricNames).contains("model_accuracy", "model_degraded", "model_requests_total");
    assertThat(alertNames).contains("ModelAccuracyLow", "ModelDegraded", "ModelErrorRateHigh");
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "EXERCISES.md"})
  void everyCommandRefersToThingsThatExist(String doc) {
    List<Command> commands = ShellCommands.extract(doc, Repo.read(doc));
    List<String> problems = new ArrayList<>();
    for (Command command : commands) {
      check(command, problems);
    }

    assertThat(commands).hasSizeGreaterThan(15);
    assertThat(problems).as("dead commands in " + doc).isEmpty();
  }

  @Test
  void theReadmeHasTheSpecsSetUpCommandsVerbatim() {
    String readme = Repo.read("README.md");

    assertThat(readme)
        .contains(
            """
            docker build -t model-server:v1 .
            docker build -t model-server:v2 -f Dockerfile.v2 .
            kubectl apply -f k8s/deployment.yaml
            kubectl apply -f k8s/service.yaml
            kubectl apply -f k8s/deployment-v2.yaml
            kubectl rollout undo deployment/model-server
            helm install prometheus prometheus-community/prometheus -f k8s/prometheus-values.yaml \\
                 --namespace monitoring --create-namespace \\
                 --version 29.27.0
            kubectl scale deployment/model-server --replicas=2
            kubectl exec -it <pod> -- /bin/sh
            """)
        .contains("scripts/run.sh", "scripts/test.sh");
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "EXERCISES.md", "SOLUTIONS.md"})
  void everyMetricAndAlertExists(String doc) {
    String text = Repo.read(doc);
    List<String> problems = new ArrayList<>();
    Matcher metric = METRIC.matcher(text);
    while (metric.find()) {
      if (!metricNames.contains(metric.group())) {
        problems.add("metric " + metric.group() + " is not exported by the model server");
      }
    }
    Matcher alert = ALERT.matcher(text);
    while (alert.find()) {
      if (!alertNames.contains(alert.group(1))) {
        problems.add("alert " + alert.group(1) + " is not in prometheus/alerting_rules.yml");
      }
    }
    assertThat(problems).as(doc).isEmpty();
  }

  @Test
  void theCheckerCatchesDeadCommands() {
    List<String> problems = new ArrayList<>();
    String doc =
        """
        ```bash
        kubectl apply -f k8s/deployment-v3.yaml
        kubectl rollout undo deployment/model-sever
        kubectl get endpoints model-srv
        kubectl get pods -l app=model-server,version=v9
        docker build -t model-server:v3 -f Dockerfile.v3 .
        curl $URL/healthz
        scripts/traffic.sh --speed 3
        kubectl port-forward svc/model-server 8080:8080
        make lab
        mvn -B -ntp prettier:apply
        mvn -B -ntp spotless:apply
        ```
        """;
    for (Command command : ShellCommands.extract("test.md", doc)) {
      check(command, problems);
    }

    assertThat(problems)
        .anyMatch(p -> p.contains("k8s/deployment-v3.yaml"))
        .anyMatch(p -> p.contains("deployment model-sever"))
        .anyMatch(p -> p.contains("service model-srv"))
        .anyMatch(p -> p.contains("app=model-server,version=v9"))
        .anyMatch(p -> p.contains("image model-server:v3"))
        .anyMatch(p -> p.contains("Dockerfile.v3"))
        .anyMatch(p -> p.contains("/healthz"))
        .anyMatch(p -> p.contains("--speed"))
        .anyMatch(p -> p.contains("port 8080 of service model-server"))
        .anyMatch(p -> p.contains("unknown command make"))
        .anyMatch(p -> p.contains("no plugin for the goal prettier:apply"))
        .noneMatch(p -> p.contains("spotless:apply"))
        .hasSize(11);
  }

  // ------------------------------------------------------------------------------------------

  private static void check(Command command, List<String> problems) {
    for (String word : command.words()) {
      Matcher subshell = SUBSHELL.matcher(word);
      while (subshell.find()) {
        for (List<String> inner : ShellCommands.split(subshell.group(1))) {
          if (!inner.isEmpty()) {
            check(new Command(inner, command.file(), command.line(), false), problems);
          }
        }
      }
    }
    if (command.inPod()) {
      checkInPod(command, command.words(), problems);
      return;
    }
    List<String> w = command.words();
    switch (command.name()) {
      case "kubectl" -> checkKubectl(command, problems);
      case "docker" -> checkDocker(command, problems);
      case "kind" -> checkKind(command, problems);
      case "minikube" -> checkMinikube(command, problems);
      case "helm" -> checkHelm(command, problems);
      case "curl" -> checkCurl(command, problems);
      case "mvn", "./mvnw" -> checkMaven(command, problems);
      case "watch" ->
          check(
              new Command(w.subList(1, w.size()), command.file(), command.line(), false), problems);
      case "eval", "echo", "head", "tail", "grep", "base64", "tr" -> {
        // Nothing of the lab's to check (a $(...) inside was checked above).
      }
      default -> {
        if (command.name().startsWith("scripts/")) {
          checkScript(command, problems);
        } else if (!command.name().matches("[A-Z_]+=.*")) {
          problems.add(command + ": unknown command " + command.name());
        }
      }
    }
  }

  /**
   * A Maven goal of a plugin ({@code prefix:goal}) must name a plugin the parent POM declares;
   * {@code ./mvnw} must be the repository's executable wrapper.
   */
  private static void checkMaven(Command command, List<String> problems) {
    if (command.name().equals("./mvnw") && !Files.isExecutable(Repo.path("mvnw"))) {
      problems.add(command + ": no executable Maven wrapper mvnw");
    }
    String pom = Repo.read("pom.xml");
    for (String word : command.words().subList(1, command.words().size())) {
      Matcher goal = Pattern.compile("([a-z-]+):[a-z-]+").matcher(word);
      if (!word.startsWith("-")
          && goal.matches()
          && !pom.contains("<artifactId>" + goal.group(1) + "-maven-plugin</artifactId>")
          && !pom.contains("<artifactId>maven-" + goal.group(1) + "-plugin</artifactId>")) {
        problems.add(command + ": no plugin for the goal " + word + " in pom.xml");
      }
    }
  }

  private static void checkFile(Command command, String file, List<String> problems) {
    if (file == null || !Files.isRegularFile(Repo.path(file))) {
      problems.add(command + ": no file " + file);
    }
  }

  private static void checkKubectl(Command command, List<String> problems) {
    List<String> w = command.words();
    for (int i = 1; i < w.size(); i++) {
      String word = w.get(i);
      String next = i + 1 < w.size() ? w.get(i + 1) : null;
      if (word.equals("-f")) {
        checkFile(command, next, problems);
      } else if (word.startsWith("--from-file=")) {
        checkFile(command, word.substring(word.indexOf('=') + 1), problems);
      } else if (word.equals("-l") || word.equals("--selector")) {
        if (next == null || !objects.podsMatch(next)) {
          problems.add(command + ": no pod template has the labels " + next);
        }
      } else if (word.equals("-n") || word.equals("--namespace")) {
        if (!objects.namespaces.contains(next)) {
          problems.add(command + ": no namespace " + next);
        }
      } else if (word.matches("(deployment|deploy)/.+")) {
        String name = word.substring(word.indexOf('/') + 1);
        if (!objects.hasDeployment(name)) {
          problems.add(command + ": no deployment " + name);
        }
      } else if (word.matches("(svc|service)/.+")) {
        String name = word.substring(word.indexOf('/') + 1);
        if (!objects.hasService(name)) {
          problems.add(command + ": no service " + name);
        }
      } else if (word.contains("involvedObject.name=")) {
        // A field selector may join several fields with commas.
        for (String field : word.split(",")) {
          String name = field.substring(field.indexOf('=') + 1);
          if (field.startsWith("involvedObject.name=") && !objects.names.contains(name)) {
            problems.add(command + ": no object " + name);
          }
        }
      } else if (word.startsWith("--replicas=") && !word.matches("--replicas=\\d+")) {
        problems.add(command + ": bad replica count " + word);
      }
    }
    String verb = w.size() > 1 ? w.get(1) : "";
    if (verb.equals("get") && w.size() > 3 && w.get(2).matches("endpoints|svc|service|services")) {
      String name = w.get(3);
      if (!name.startsWith("-") && !objects.hasService(name)) {
        problems.add(command + ": no service " + name);
      }
    }
    if (verb.equals("port-forward") && w.size() > 3) {
      String target =
          w.stream().filter(x -> x.matches("(svc|service)/.+")).findFirst().orElse(null);
      String ports = w.stream().filter(x -> x.matches("\\d+:\\d+")).findFirst().orElse(null);
      if (target != null && ports != null) {
        String name = target.substring(target.indexOf('/') + 1);
        int remote = Integer.parseInt(ports.substring(ports.indexOf(':') + 1));
        if (objects.hasService(name) && !objects.servicePorts(name).contains(remote)) {
          problems.add(command + ": no port " + remote + " of service " + name);
        }
      }
    }
    if (verb.equals("exec")) {
      int dashes = w.indexOf("--");
      String pod = dashes > 0 ? w.get(dashes - 1) : null;
      if (pod == null || !(PLACEHOLDERS.contains(pod) || pod.matches("(deploy|deployment)/.+"))) {
        problems.add(command + ": exec into an unknown pod " + pod);
      } else if (dashes + 1 < w.size() && !w.get(dashes + 1).equals("/bin/sh")) {
        checkInPod(command, w.subList(dashes + 1, w.size()), problems);
      }
    }
  }

  /** In a model-server pod: only the probe switch files, which the server watches under /tmp. */
  private static void checkInPod(Command command, List<String> words, List<String> problems) {
    String config =
        Repo.read("model-server/src/main/java/dev/selfheal/modelserver/config/ServerConfig.java");
    if (!words.get(0).matches("touch|rm|ls|cat") || words.size() != 2) {
      problems.add(command + ": unexpected command in the pod");
      return;
    }
    String path = words.get(1);
    if (!(config.contains("\"UNREADY_FILE\", \"" + path + "\"")
        || config.contains("\"UNHEALTHY_FILE\", \"" + path + "\""))) {
      problems.add(command + ": the server does not watch " + path);
    }
    if (!Repo.read("k8s/deployment.yaml").contains("mountPath: /tmp")) {
      problems.add(command + ": /tmp is not writable in the model-server pod");
    }
  }

  private static void checkDocker(Command command, List<String> problems) {
    List<String> w = command.words();
    if (w.get(1).equals("version")) {
      return;
    }
    if (w.get(1).equals("save")) {
      // docker save [--platform P] -o FILE IMAGE...: the images must be the lab's.
      for (int i = 2; i < w.size(); i++) {
        if (w.get(i).startsWith("-")) {
          i++;
        } else if (!objects.images.contains(w.get(i))) {
          problems.add(command + ": no manifest runs image " + w.get(i));
        }
      }
      return;
    }
    if (!w.get(1).equals("build")) {
      problems.add(command + ": unexpected docker command");
      return;
    }
    String image = command.after("-t");
    if (!objects.images.contains(image)) {
      problems.add(command + ": no manifest runs image " + image);
    }
    String dockerfile = command.after("-f");
    checkFile(command, dockerfile == null ? "Dockerfile" : dockerfile, problems);
    if (!w.get(w.size() - 1).equals(".")) {
      problems.add(command + ": build context must be the repository root");
    }
  }

  private static void checkKind(Command command, List<String> problems) {
    List<String> w = command.words();
    if (w.size() > 2 && w.get(1).equals("load") && w.get(2).equals("docker-image")) {
      for (String image : w.subList(3, w.size())) {
        if (!image.startsWith("-") && !objects.images.contains(image)) {
          problems.add(command + ": no manifest runs image " + image);
        }
      }
    } else if (w.size() > 2 && w.get(1).equals("load") && w.get(2).equals("image-archive")) {
      if (w.size() < 4) {
        problems.add(command + ": kind load image-archive needs an archive");
      }
    } else if (w.size() > 2 && w.get(1).matches("create|delete") && w.get(2).equals("cluster")) {
      String config = command.after("--config");
      if (config != null) {
        checkFile(command, config, problems);
      } else if (w.size() != 3) {
        problems.add(command + ": unexpected kind command");
      }
    } else {
      problems.add(command + ": unexpected kind command");
    }
  }

  private static void checkMinikube(Command command, List<String> problems) {
    List<String> w = command.words();
    String verb = w.size() > 1 ? w.get(1) : "";
    if (verb.equals("service")) {
      String name = w.get(2);
      if (!objects.hasService(name)) {
        problems.add(command + ": no service " + name);
      } else if (objects.services.containsKey(name)
          && !objects.services.get(name).path("spec").path("type").asText().equals("NodePort")) {
        problems.add(command + ": service " + name + " is not a NodePort");
      } else if (LabObjects.CHART_SERVICES.containsKey(name)
          && !Repo.read(LabObjects.CHART_VALUES.get(name)).contains("type: NodePort")) {
        problems.add(command + ": the chart's " + name + " is not made a NodePort");
      }
      String namespace = command.after("-n");
      if (namespace != null && !objects.namespaces.contains(namespace)) {
        problems.add(command + ": no namespace " + namespace);
      }
    } else if (!verb.matches("start|docker-env|delete|stop|ip")) {
      problems.add(command + ": unexpected minikube command");
    }
  }

  private static void checkHelm(Command command, List<String> problems) {
    List<String> w = command.words();
    String verb = w.size() > 1 ? w.get(1) : "";
    if (verb.equals("install")) {
      if (!w.contains("prometheus-community/prometheus")
          && !w.contains("grafana-community/grafana")) {
        problems.add(
            command
                + ": the lab installs prometheus-community/prometheus or grafana-community/grafana");
      }
      checkFile(command, command.after("-f"), problems);
      if (!"monitoring".equals(command.after("--namespace"))) {
        problems.add(command + ": the lab's Prometheus lives in namespace monitoring");
      }
    } else if (verb.equals("uninstall")) {
      if (w.size() < 3 || !w.get(2).matches("prometheus|grafana")) {
        problems.add(command + ": the lab's releases are prometheus and grafana");
      }
      if (!"monitoring".equals(command.after("--namespace"))) {
        problems.add(command + ": the lab's Prometheus lives in namespace monitoring");
      }
    } else if (!(verb.equals("repo") && w.size() > 2 && w.get(2).matches("add|update"))) {
      problems.add(command + ": unexpected helm command");
    }
  }

  private static void checkCurl(Command command, List<String> problems) {
    String url =
        command.words().stream()
            .filter(
                x ->
                    x.startsWith("$URL")
                        || x.startsWith("$(minikube service model-server")
                        || x.matches("(http://)?localhost:8080.*"))
            .findFirst()
            .orElse(null);
    if (url == null) {
      problems.add(command + ": curl to something other than the model server");
      return;
    }
    String path = url.replaceFirst("^(\\$URL|\\$\\([^)]*\\)|(http://)?localhost:8080)", "");
    if (path.isEmpty()) {
      path = "/";
    }
    if (!serverRoutes.contains(path)) {
      problems.add(command + ": the model server has no endpoint " + path);
    }
  }

  private static void checkScript(Command command, List<String> problems) {
    Path script = Repo.path(command.name());
    if (!Files.isExecutable(script)) {
      problems.add(command + ": no executable " + command.name());
      return;
    }
    String help = Repo.read(command.name());
    if (command.name().equals("scripts/traffic.sh")) {
      help +=
          Repo.read("traffic-generator/src/main/java/dev/selfheal/traffic/config/ArgsParser.java");
    }
    for (String word : command.words()) {
      if (word.startsWith("--") && !help.contains(word + " ") && !help.contains(word + ")")) {
        problems.add(command + ": " + command.name() + " has no option " + word);
      }
    }
  }
}
