package dev.selfheal.rollback.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.config.ControllerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.ExponentialBackoffIntervalCalculator;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parses k8s/rollback-controller.yaml with fabric8 and checks it against CONTRACTS (names, port,
 * path, Secret), least-privilege RBAC, and a hardened pod.
 */
class ManifestTest {

  static final String PLACEHOLDER_TOKEN = "lab-rollback-token-change-me";

  /** Every (apiGroup, resource, verb, resourceName) the controller needs; "*" = any name. */
  static final Set<String> EXPECTED_RULES =
      Set.of(
          "apps/deployments/get/*",
          "apps/deployments/list/*",
          "apps/deployments/watch/*",
          "apps/deployments/patch/*",
          "apps/replicasets/get/*",
          "apps/replicasets/list/*",
          "apps/replicasets/watch/*",
          "apps/replicasets/patch/*",
          "/pods/get/*",
          "/pods/list/*",
          "/pods/watch/*",
          "/events/create/*",
          "/events/list/*",
          "coordination.k8s.io/leases/create/*",
          "coordination.k8s.io/leases/get/rollback-controller",
          "coordination.k8s.io/leases/patch/rollback-controller");

  private static List<HasMetadata> objects;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in =
        Files.newInputStream(RepoFiles.root().resolve("k8s/rollback-controller.yaml"))) {
      Object parsed = new KubernetesSerialization().unmarshal(in);
      @SuppressWarnings("unchecked")
      List<HasMetadata> list = (List<HasMetadata>) parsed;
      objects = list;
    }
  }

  static <T extends HasMetadata> T only(Class<T> type) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  /** The Role's rules flattened to apiGroup/resource/verb/name strings. */
  static Set<String> flatten(List<PolicyRule> rules) {
    Set<String> flat = new TreeSet<>();
    for (PolicyRule rule : rules) {
      List<String> names =
          rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
              ? List.of("*")
              : rule.getResourceNames();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            for (String name : names) {
              flat.add(group + "/" + resource + "/" + verb + "/" + name);
            }
          }
        }
      }
    }
    return flat;
  }

  @Test
  void everyObjectIsInNamespaceDefaultWithTheAgreedNames() {
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("default"));
    assertThat(only(ServiceAccount.class).getMetadata().getName()).isEqualTo("rollback-controller");
    assertThat(only(Deployment.class).getMetadata().getName()).isEqualTo("rollback-controller");
    assertThat(only(Service.class).getMetadata().getName()).isEqualTo("rollback-controller");
    // The token is generated at install (EXERCISES.md), never committed.
    assertThat(objects).noneMatch(Secret.class::isInstance);
  }

  @Test
  void serviceExposesPort8080NamedHttpOnTheControllerPods() {
    Service service = only(Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getPort()).isEqualTo(8080);
              assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
    Map<String, String> podLabels =
        only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    Container c = container();
    assertThat(c.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });
  }

  @Test
  void alertmanagerReceiverMatchesServicePathAndReadsTheTokenFromAFile() throws IOException {
    Path values = RepoFiles.root().resolve("k8s/prometheus-values.yaml");
    String text = Files.readString(values);
    assertThat(text)
        .contains("http://rollback-controller.default.svc.cluster.local:8080/alerts")
        .contains("credentials_file: /etc/alertmanager/secrets/rollback-controller-token/token")
        .doesNotContain(PLACEHOLDER_TOKEN);
  }

  @Test
  void roleGrantsExactlyWhatTheControllerUses() {
    assertThat(flatten(only(Role.class).getRules())).isEqualTo(new TreeSet<>(EXPECTED_RULES));
    RoleBinding binding = only(RoleBinding.class);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(only(Role.class).getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("rollback-controller");
              assertThat(s.getNamespace()).isEqualTo("default");
            });
    assertThat(only(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("rollback-controller");
  }

  @Test
  void podIsHardened() {
    var pod = only(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = container();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health");
  }

  /**
   * A Secret volume's files belong to root; with a mode that gives others no read (0400), only an
   * fsGroup that is the process's group lets the kubelet make them readable to the non-root user.
   */
  @Test
  void theNonRootUserCanReadItsMountedSecrets() {
    var pod = only(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .isNotEmpty()
        .allSatisfy(
            v -> {
              int mode =
                  v.getSecret().getDefaultMode() == null ? 0644 : v.getSecret().getDefaultMode();
              if ((mode & 0004) == 0) {
                assertThat(pod.getSecurityContext().getFsGroup())
                    .as("fsGroup for Secret volume %s (mode %o)", v.getName(), mode)
                    .isEqualTo(pod.getSecurityContext().getRunAsGroup());
              }
            });
  }

  @Test
  void environmentIsAValidConfigurationAndTheTokenIsAFileFromTheSecret(@TempDir Path dir)
      throws IOException {
    Container c = container();
    var pod = only(Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("WEBHOOK_TOKEN"));
    String file =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("WEBHOOK_TOKEN_FILE"))
            .findFirst()
            .orElseThrow()
            .getValue();
    var mount =
        c.getVolumeMounts().stream()
            .filter(m -> file.startsWith(m.getMountPath() + "/"))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getReadOnly()).isTrue();
    var volume =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("rollback-controller-token");
    assertThat(file.substring(mount.getMountPath().length() + 1)).isEqualTo("token");

    Map<String, String> env = new HashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    // What `kubectl create secret generic --from-file` would mount: the token and a newline.
    Path token = dir.resolve("token");
    Files.writeString(token, "generated-at-install-0123456789\n");
    env.put("WEBHOOK_TOKEN_FILE", token.toString());
    ControllerConfig config = ControllerConfig.fromEnv(env);
    assertThat(config.webhookToken()).isEqualTo("generated-at-install-0123456789");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.namespaces()).containsExactly("default");
    assertThat(config.dryRun()).isFalse();
  }

  /**
   * The guide's "Liveness timing" derives the restart window of a stalled worker from the manifest:
   * a changed threshold or probe setting must change the guide too.
   */
  @Test
  void theGuidesLivenessTimingFollowsTheManifest() throws IOException {
    Container c = container();
    assertThat(c.getEnv())
        .as("WORKER_STALL_SECONDS is set explicitly")
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("WORKER_STALL_SECONDS"));
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : c.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    env.put("WEBHOOK_TOKEN", "generated-at-install-0123456789");
    env.remove("WEBHOOK_TOKEN_FILE");
    long stall = ControllerConfig.fromEnv(env).workerStall().toSeconds();
    var probe = c.getLivenessProbe();
    long period = probe.getPeriodSeconds();
    long failures = probe.getFailureThreshold();
    String guide =
        Files.readString(RepoFiles.root().resolve("docs/rollback-controller.md"))
            .replaceAll("\\s+", " ");
    assertThat(guide)
        .contains("the stall threshold S = " + stall + " s (`WORKER_STALL_SECONDS`")
        .contains(
            "(periodSeconds P = "
                + period
                + ", failureThreshold F = "
                + failures
                + ", timeoutSeconds T = "
                + probe.getTimeoutSeconds()
                + ")")
        .contains(
            "between S+(F-1)P = "
                + (stall + (failures - 1) * period)
                + " s and S+FP = "
                + (stall + failures * period)
                + " s after its last progress");
  }

  /**
   * A worker waiting on an unreachable API server is not stuck: the stall threshold must outlast
   * the longest single call the client makes with its defaults (every attempt timing out on connect
   * and on the request, with the back-off between them), and the guide states that bound.
   */
  @Test
  void theStallThresholdOutlastsTheClientsLongestCall() throws IOException {
    Config defaults = Config.empty();
    int retries = defaults.getRequestRetryBackoffLimit();
    ExponentialBackoffIntervalCalculator backoff =
        new ExponentialBackoffIntervalCalculator(
            defaults.getRequestRetryBackoffInterval(), retries);
    long backoffMillis = 0;
    for (int attempt = 0; attempt < retries; attempt++) {
      backoffMillis += backoff.getInterval(attempt);
    }
    long perAttempt = defaults.getConnectionTimeout() + defaults.getRequestTimeout();
    long longestCallMillis = (retries + 1) * perAttempt + backoffMillis;

    String stall =
        container().getEnv().stream()
            .filter(e -> e.getName().equals("WORKER_STALL_SECONDS"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertThat(Double.parseDouble(stall) * 1000)
        .as("WORKER_STALL_SECONDS against the client's longest call, %d ms", longestCallMillis)
        .isGreaterThan(longestCallMillis);
    String guide =
        Files.readString(RepoFiles.root().resolve("docs/rollback-controller.md"))
            .replaceAll("\\s+", " ");
    assertThat(guide)
        .contains(
            (retries + 1)
                + " attempts × ("
                + defaults.getConnectionTimeout() / 1000
                + " s + "
                + defaults.getRequestTimeout() / 1000
                + " s) = "
                + (retries + 1) * perAttempt / 1000
                + " s plus")
        .contains(
            backoffMillis / 1000.0
                + " s of back-off, that is "
                + longestCallMillis / 1000.0
                + " s");
  }

  private static Container container() {
    return only(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
