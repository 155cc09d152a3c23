package dev.selfheal.recommender.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.health.Probes;
import dev.selfheal.recommender.loader.LoaderConfig;
import dev.selfheal.recommender.server.HttpApi;
import dev.selfheal.recommender.stub.StubConfig;
import dev.selfheal.recommender.testing.TestApi;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the probe design of k8s/recommender.yaml against itself and the service's configuration.
 */
class RecommenderManifestTest {

  private static final Path MANIFEST = Path.of("..", "k8s", "recommender.yaml");
  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final Map<String, Deployment> DEPLOYMENTS = new HashMap<>();
  private static final Map<String, Service> SERVICES = new HashMap<>();
  private static final List<Job> JOBS = new ArrayList<>();
  private static final List<PodDisruptionBudget> BUDGETS = new ArrayList<>();

  @BeforeAll
  static void parse() throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (var parser = yaml.getFactory().createParser(Files.readString(MANIFEST))) {
      for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
        switch (doc.get("kind").asText()) {
          case "Deployment" -> {
            Deployment d = JSON.convertValue(doc, Deployment.class);
            DEPLOYMENTS.put(d.getMetadata().getName(), d);
          }
          case "Service" -> {
            Service s = JSON.convertValue(doc, Service.class);
            SERVICES.put(s.getMetadata().getName(), s);
          }
          case "Job" -> JOBS.add(JSON.convertValue(doc, Job.class));
          case "PodDisruptionBudget" ->
              BUDGETS.add(JSON.convertValue(doc, PodDisruptionBudget.class));
          default -> throw new AssertionError("unexpected kind " + doc.get("kind"));
        }
      }
    }
  }

  private static Container container(String deployment) {
    return DEPLOYMENTS.get(deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static int budget(Probe probe) {
    return probe.getPeriodSeconds() * probe.getFailureThreshold();
  }

  @Test
  void containsTheLabObjects() {
    assertThat(DEPLOYMENTS).containsOnlyKeys("redis", "profile-api", "recommender");
    assertThat(SERVICES).containsOnlyKeys("redis", "profile-api", "recommender");
    assertThat(JOBS).hasSize(1);
    assertThat(container("redis").getImage()).isEqualTo("redis:7");
    assertThat(container("redis").getArgs())
        .containsSubsequence("--save", "", "--appendonly", "no");
    DEPLOYMENTS.forEach(
        (name, d) ->
            assertThat(SERVICES.get(name).getSpec().getSelector())
                .as("Service %s selects its Deployment's pods", name)
                .isEqualTo(d.getSpec().getTemplate().getMetadata().getLabels()));
  }

  @Test
  void drainsTakeOneWarmingPodAtATime() {
    assertThat(BUDGETS).hasSize(1);
    PodDisruptionBudget pdb = BUDGETS.get(0);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(DEPLOYMENTS.get("recommender").getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    assertThat(DEPLOYMENTS.get("recommender").getSpec().getReplicas()).isGreaterThan(1);
    assertThat(
            DEPLOYMENTS
                .get("recommender")
                .getSpec()
                .getStrategy()
                .getRollingUpdate()
                .getMaxUnavailable()
                .getIntVal())
        .isZero();
  }

  @Test
  void probesUseTheRightPaths() {
    Container c = container("recommender");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/startup");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    // The paths the production route table serves.
    List<String> routed =
        HttpApi.routes(
                TestApi.dependencies(
                    Probes.workerProgress(Duration.ofSeconds(10), new PrometheusRegistry()),
                    Runnable::run))
            .all()
            .stream()
            .map(route -> route.path())
            .toList();
    for (Probe probe : List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())) {
      assertThat(routed).contains(probe.getHttpGet().getPath());
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
      assertThat(probe.getTimeoutSeconds()).isLessThan(probe.getPeriodSeconds());
    }
    assertThat(c.getPorts().get(0).getName()).isEqualTo("http");
    assertThat(c.getPorts().get(0).getContainerPort())
        .isEqualTo(RecommenderConfig.fromEnv(Map.of()).port());
  }

  @Test
  void livenessDoesNotPointAtADependencyCheckingPath() {
    Container c = container("recommender");
    String liveness = c.getLivenessProbe().getHttpGet().getPath();
    // /ready and /startup depend on Redis having delivered the embeddings; liveness must not.
    assertThat(liveness)
        .isNotEqualTo(c.getReadinessProbe().getHttpGet().getPath())
        .isNotEqualTo(c.getStartupProbe().getHttpGet().getPath());
    // The startupProbe covers the warm-up, so liveness needs no delay of its own.
    assertThat(c.getLivenessProbe().getInitialDelaySeconds()).isZero();
  }

  @Test
  void startupBudgetCoversTheWarmUpWithRoomToSpare() {
    Container c = container("recommender");
    RecommenderConfig config = RecommenderConfig.fromEnv(env(c));
    long warmUp = config.warmUp().minDuration().toSeconds();
    assertThat(warmUp).as("the manifest reproduces the exercise's ~30 s warm-up").isEqualTo(30);
    assertThat(budget(c.getStartupProbe())).isGreaterThanOrEqualTo((int) (2 * warmUp));
    assertThat(DEPLOYMENTS.get("recommender").getSpec().getProgressDeadlineSeconds())
        .isGreaterThan(budget(c.getStartupProbe()));
  }

  @Test
  void readinessReactsBeforeLiveness() {
    Container c = container("recommender");
    assertThat(budget(c.getReadinessProbe())).isLessThan(budget(c.getLivenessProbe()));
  }

  @Test
  void configurationInTheManifestIsAcceptedAndPointsAtTheLabServices() {
    Map<String, String> env = env(container("recommender"));
    RecommenderConfig config = RecommenderConfig.fromEnv(env);
    assertThat(SERVICES).containsKey(config.redis().host());
    assertThat(SERVICES.get(config.redis().host()).getSpec().getPorts().get(0).getPort())
        .isEqualTo(config.redis().port());
    URI profile = config.profile().baseUrl();
    assertThat(SERVICES).containsKey(profile.getHost());
    assertThat(SERVICES.get(profile.getHost()).getSpec().getPorts().get(0).getPort())
        .isEqualTo(profile.getPort());

    StubConfig stub = StubConfig.fromEnv(env(container("profile-api")));
    Container loader = JOBS.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    LoaderConfig load = LoaderConfig.fromEnv(env(loader));
    assertThat(SERVICES).containsKey(load.redisHost());
    assertThat(stub.itemCount())
        .as("profiles draw from the loaded item space")
        .isEqualTo(load.count());
    assertThat(container("profile-api").getPorts().get(0).getContainerPort())
        .isEqualTo(stub.port());
  }

  @Test
  void cacheFitsInTheHeapAndShutdownFitsInTheGracePeriod() {
    Container c = container("recommender");
    RecommenderConfig config = RecommenderConfig.fromEnv(env(c));
    BigDecimal limit = Quantity.getAmountInBytes(c.getResources().getLimits().get("memory"));
    // Heap is 60 % of the limit (image ENTRYPOINT); the cache should use well under half of that.
    assertThat(BigDecimal.valueOf(config.cache().maxBytes()))
        .isLessThan(limit.multiply(BigDecimal.valueOf(0.3)));
    long shutdown = config.lifecycle().drain().toSeconds() + config.lifecycle().grace().toSeconds();
    assertThat(
            DEPLOYMENTS
                .get("recommender")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getTerminationGracePeriodSeconds())
        .isGreaterThan(shutdown);
  }

  /**
   * The environment the kubelet gives a container: unless the pod sets {@code enableServiceLinks:
   * false}, a docker-link style set of variables for every Service of the namespace ({@code
   * REDIS_PORT=tcp://10.96.0.20:6379} for the Service redis) under the manifest's own. A real
   * kubelet showed the loader Job failing on exactly that REDIS_PORT.
   */
  private static Map<String, String> kubeletEnv(PodSpec pod, Container container) {
    Map<String, String> env = new HashMap<>();
    if (!Boolean.FALSE.equals(pod.getEnableServiceLinks())) {
      int ip = 20;
      for (Service service : SERVICES.values()) {
        String prefix = service.getMetadata().getName().toUpperCase().replace('-', '_');
        String address = "10.96.0." + ip++;
        int port = service.getSpec().getPorts().get(0).getPort();
        env.put(prefix + "_SERVICE_HOST", address);
        env.put(prefix + "_SERVICE_PORT", Integer.toString(port));
        env.put(prefix + "_PORT", "tcp://" + address + ":" + port);
        env.put(prefix + "_PORT_" + port + "_TCP", "tcp://" + address + ":" + port);
      }
    }
    env.putAll(env(container));
    return env;
  }

  @Test
  void everyServiceAcceptsTheEnvironmentTheKubeletGivesIt() {
    PodSpec recommender = DEPLOYMENTS.get("recommender").getSpec().getTemplate().getSpec();
    PodSpec stub = DEPLOYMENTS.get("profile-api").getSpec().getTemplate().getSpec();
    PodSpec loader = JOBS.get(0).getSpec().getTemplate().getSpec();

    assertThat(
            RecommenderConfig.fromEnv(kubeletEnv(recommender, container("recommender")))
                .redis()
                .port())
        .isEqualTo(6379);
    assertThat(StubConfig.fromEnv(kubeletEnv(stub, container("profile-api"))).port())
        .isEqualTo(container("profile-api").getPorts().get(0).getContainerPort());
    assertThat(LoaderConfig.fromEnv(kubeletEnv(loader, loader.getContainers().get(0))).redisHost())
        .isEqualTo("redis");
  }

  @Test
  void everyPodIsHardened() {
    List<PodSpec> pods = new ArrayList<>();
    DEPLOYMENTS.values().forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
    JOBS.forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));
    assertThat(pods)
        .allSatisfy(
            pod -> {
              assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
              assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
              assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                  .isEqualTo("RuntimeDefault");
              assertThat(pod.getAutomountServiceAccountToken()).isFalse();
              for (Container c : pod.getContainers()) {
                assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(c.getSecurityContext().getCapabilities().getDrop())
                    .containsExactly("ALL");
                assertThat(c.getResources().getLimits()).containsKeys("memory", "cpu");
                assertThat(c.getResources().getRequests()).containsKeys("memory", "cpu");
              }
            });
  }
}
