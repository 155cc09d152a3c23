package dev.selfheal.labtests.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.selfheal.modelserver.config.ServerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two Deployments keep the lab's public interface (SPEC section 2) and carry the operator
 * additions: start-up probe, drain sequence, hardened security context, rollout settings and the
 * rollback opt-in label.
 */
class DeploymentManifestTest {

  static Stream<Arguments> releases() {
    return Stream.of(
        Arguments.of(Manifests.DEPLOYMENT_V1, "v1", "v1.0"),
        Arguments.of(Manifests.DEPLOYMENT_V2, "v2", "v2.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void parsesWithoutUnknownFields(String file) {
    Deployment deployment = Manifests.deployment(file);

    assertThat(deployment.getApiVersion()).isEqualTo("apps/v1");
    assertThat(deployment.getKind()).isEqualTo("Deployment");
    assertThat(Manifests.unknownFields(deployment)).as("fields fabric8 could not place").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void keepsNamesLabelsAndReplicas(String file, String versionLabel, String modelVersion) {
    Deployment deployment = Manifests.deployment(file);
    DeploymentSpec spec = deployment.getSpec();

    assertThat(deployment.getMetadata().getName()).isEqualTo("model-server");
    assertThat(deployment.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(deployment.getMetadata().getLabels())
        .containsEntry("app", "model-server")
        .containsEntry("version", versionLabel)
        .containsEntry("rollback.selfheal.dev/enabled", "true");
    assertThat(spec.getReplicas()).isEqualTo(3);
    // The selector must not contain the version label: selectors are immutable and v2 changes the
    // label.
    assertThat(spec.getSelector().getMatchLabels()).isEqualTo(Map.of("app", "model-server"));
    assertThat(spec.getSelector().getMatchExpressions()).isNullOrEmpty();
    assertThat(spec.getTemplate().getMetadata().getLabels())
        .isEqualTo(Map.of("app", "model-server", "version", versionLabel));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void keepsContainerImagePortEnvAndAnnotations(
      String file, String versionLabel, String modelVersion) {
    Deployment deployment = Manifests.deployment(file);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = Manifests.container(deployment);

    assertThat(pod.getContainers()).hasSize(1);
    assertThat(container.getImage()).isEqualTo("model-server:" + versionLabel);
    assertThat(container.getImagePullPolicy()).isEqualTo("Never");
    assertThat(container.getPorts()).hasSize(1);
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(8080);
    assertThat(container.getPorts().get(0).getName()).isEqualTo("http");
    // `kubectl get pods -o jsonpath='{.items[0].spec.containers[0].env}'` must show the version
    // first.
    assertThat(container.getEnv().get(0).getName()).isEqualTo("MODEL_VERSION");
    assertThat(Manifests.env(container, "MODEL_VERSION")).isEqualTo(modelVersion);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", "8080")
        .containsEntry("prometheus.io/path", "/metrics");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void keepsOriginalProbeTimingsAndResources(String file) {
    Container container = Manifests.container(Manifests.deployment(file));

    Probe liveness = container.getLivenessProbe();
    assertThat(liveness.getHttpGet().getPath()).isEqualTo("/health");
    assertThat(portOf(liveness)).isIn("8080", "http");
    assertThat(liveness.getInitialDelaySeconds()).isEqualTo(10);
    assertThat(liveness.getPeriodSeconds()).isEqualTo(10);
    assertThat(liveness.getTimeoutSeconds()).isEqualTo(5);
    assertThat(liveness.getFailureThreshold()).isEqualTo(3);

    Probe readiness = container.getReadinessProbe();
    assertThat(readiness.getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(portOf(readiness)).isIn("8080", "http");
    assertThat(readiness.getInitialDelaySeconds()).isEqualTo(5);
    assertThat(readiness.getPeriodSeconds()).isEqualTo(5);
    assertThat(readiness.getTimeoutSeconds()).isEqualTo(3);
    assertThat(readiness.getFailureThreshold()).isEqualTo(2);

    Probe startup = container.getStartupProbe();
    assertThat(startup).as("startupProbe").isNotNull();
    assertThat(startup.getHttpGet().getPath()).isEqualTo("/health");
    assertThat(portOf(startup)).isIn("8080", "http");

    assertThat(container.getResources().getRequests())
        .containsEntry("memory", new Quantity("128Mi"))
        .containsEntry("cpu", new Quantity("100m"));
    assertThat(container.getResources().getLimits())
        .containsEntry("memory", new Quantity("256Mi"))
        .containsEntry("cpu", new Quantity("200m"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void runsHardened(String file) {
    PodSpec pod = Manifests.deployment(file).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);

    // With a read-only root, /tmp must be a writable volume: JVM temp files and the probe switch
    // files.
    VolumeMount tmp =
        container.getVolumeMounts().stream()
            .filter(m -> "/tmp".equals(m.getMountPath()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
    assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals(tmp.getName()))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).as("emptyDir for /tmp").isNotNull());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void rollsOutWithoutLosingCapacity(String file) {
    DeploymentSpec spec = Manifests.deployment(file).getSpec();

    assertThat(spec.getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(spec.getStrategy().getRollingUpdate().getMaxUnavailable())
        .isEqualTo(new IntOrString(0));
    assertThat(spec.getStrategy().getRollingUpdate().getMaxSurge())
        .isEqualTo(new IntOrString("100%"));
    // Rollback needs at least the previous ReplicaSet.
    assertThat(spec.getRevisionHistoryLimit()).isBetween(2, 10);
    assertThat(spec.getProgressDeadlineSeconds()).isNotNull();
    assertThat(spec.getMinReadySeconds()).isPositive();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void runsAsTheImagesNonRootUser(String file, String versionLabel) {
    String dockerfile = versionLabel.equals("v1") ? "Dockerfile" : "Dockerfile.v2";
    Matcher user =
        Pattern.compile("(?m)^USER\\s+(\\d+)(?::(\\d+))?\\s*$").matcher(Manifests.text(dockerfile));
    assertThat(user.find()).as("numeric USER in %s", dockerfile).isTrue();
    PodSecurityContext pod =
        Manifests.deployment(file).getSpec().getTemplate().getSpec().getSecurityContext();

    assertThat(pod.getRunAsUser()).isEqualTo(Long.parseLong(user.group(1)));
    if (user.group(2) != null) {
      assertThat(pod.getRunAsGroup()).isEqualTo(Long.parseLong(user.group(2)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releases")
  void theServerAcceptsTheEnvironment(String file, String versionLabel, String modelVersion) {
    Map<String, String> env = new HashMap<>();
    Manifests.container(Manifests.deployment(file))
        .getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));

    // The server's own configuration parser: a bad value would fail the pod at start with this
    // message.
    ServerConfig config = ServerConfig.fromEnv(env);
    assertThat(config.modelVersion()).isEqualTo(modelVersion);
    assertThat(config.port()).isEqualTo(8080);
  }

  @Test
  void v2DiffersFromV1OnlyWhereAReleaseWould() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode v1 = yaml.readTree(Manifests.text(Manifests.DEPLOYMENT_V1));
    ObjectNode v2 = (ObjectNode) yaml.readTree(Manifests.text(Manifests.DEPLOYMENT_V2));

    assertThat(v2).isNotEqualTo(v1);
    // Put v1's values into exactly the fields a release changes; what remains must be identical.
    ((ObjectNode) v2.path("metadata").path("labels")).put("version", "v1");
    ((ObjectNode) v2.path("metadata").path("annotations"))
        .set(
            "kubernetes.io/change-cause",
            v1.path("metadata").path("annotations").path("kubernetes.io/change-cause"));
    ((ObjectNode) v2.path("spec").path("template").path("metadata").path("labels"))
        .put("version", "v1");
    ObjectNode container =
        (ObjectNode) v2.path("spec").path("template").path("spec").path("containers").get(0);
    container.put("image", "model-server:v1");
    for (JsonNode env : container.path("env")) {
      if (env.path("name").asText().equals("MODEL_VERSION")) {
        ((ObjectNode) env).put("value", "v1.0");
      }
    }

    assertThat(v2).isEqualTo(v1);
  }

  private static String portOf(Probe probe) {
    IntOrString port = probe.getHttpGet().getPort();
    return port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
  }
}
