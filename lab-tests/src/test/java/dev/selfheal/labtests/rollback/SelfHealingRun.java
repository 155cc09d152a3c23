package dev.selfheal.labtests.rollback;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.labtests.prometheus.LabMonitoring;
import dev.selfheal.labtests.support.AlertmanagerProcess;
import dev.selfheal.labtests.support.HttpJson;
import dev.selfheal.labtests.support.ModelServerProcess;
import dev.selfheal.labtests.support.PrometheusProcess;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.rollback.ControllerApp;
import dev.selfheal.rollback.config.ControllerConfig;
import dev.selfheal.testsupport.k8s.MockApiServer;
import dev.selfheal.testsupport.k8s.Workloads;
import dev.selfheal.traffic.client.ModelServerClient;
import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.client.PredictResult;
import dev.selfheal.traffic.client.Transport;
import dev.selfheal.traffic.run.TransactionSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A whole self-healing run with real processes, recorded in a real Prometheus: the real v1 model
 * server under traffic, then the v2 rollout (the real v2 server replaces it behind the "Service"
 * and in discovery), the model alerts firing in Prometheus, Alertmanager notifying the real
 * rollback controller, the controller patching the Deployment back to v1's template, and v1 serving
 * again. As in {@link RollbackChainE2E}, the Kubernetes API is fabric8's mock server in CRUD mode,
 * and this class plays the Deployment controller: it creates the ReplicaSets and pods a rollout
 * would, and points traffic and Prometheus discovery at the process behind each pod. The controller
 * itself is scraped as a pod too, so its metrics are in Prometheus as in a cluster.
 *
 * <p>Use: {@link #start}, then {@link #play()}, then read the recording through {@link
 * #prometheus()} before {@link #close()}.
 */
public final class SelfHealingRun implements AutoCloseable {

  /** How fast the monitoring runs. */
  public enum Timing {
    /**
     * {@link LabMonitoring}'s test set-up: 1 s scrapes and evaluations, every alert's {@code for}
     * divided by {@link LabMonitoring#FOR_DIVISOR}, model self-evaluation every second.
     */
    FAST(Duration.ofSeconds(1), 15),
    /**
     * As in the cluster: the values file's 5 s scrape and evaluation intervals, the rules' own
     * {@code for}, and the model server's default self-evaluation interval.
     */
    LAB(Duration.ofSeconds(5), 10);

    private final Duration scrapeInterval;
    private final int scrapesPerPhase;

    Timing(Duration scrapeInterval, int scrapesPerPhase) {
      this.scrapeInterval = scrapeInterval;
      this.scrapesPerPhase = scrapesPerPhase;
    }

    /** Prometheus's scrape and evaluation interval. */
    public Duration scrapeInterval() {
      return scrapeInterval;
    }

    /** The window of Grafana's {@code $__rate_interval} for this interval (4 scrapes). */
    public String rateInterval() {
      return scrapeInterval.multipliedBy(4).toSeconds() + "s";
    }
  }

  /** The moments of a run, on the clock Prometheus stamps its samples with. */
  public record Moments(Instant start, Instant rollout, Instant rollback, Instant end) {}

  /** Namespace of the lab's Deployment. */
  public static final String NAMESPACE = "default";

  /** The lab's Deployment. */
  public static final String DEPLOYMENT = "model-server";

  /** Requests per second the traffic sends. */
  public static final int RATE = 10;

  // Hash-like suffixes from the alphabet the Deployment controller uses (the rules' regex needs
  // it).
  private static final String HASH_V1 = "7b5c9d6f8c";
  private static final String HASH_V2 = "6d9f7c8b5b";
  private static final String RS_V1 = DEPLOYMENT + "-" + HASH_V1;
  private static final String RS_V2 = DEPLOYMENT + "-" + HASH_V2;
  private static final String V1_POD = RS_V1 + "-q8z2m";
  private static final String V2_POD = RS_V2 + "-k2v4x";
  private static final String V1_POD_AFTER = RS_V1 + "-m7w9t";
  private static final String CONTROLLER_RS = "rollback-controller-5d8f9c7b6d";
  private static final String CONTROLLER_POD = CONTROLLER_RS + "-x4k2p";
  private static final int MAX_IN_FLIGHT = 64;
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  /** The webhook's token for this run, as EXERCISES has learners generate one. */
  private final String webhookToken = "timeline-" + java.util.UUID.randomUUID();

  private final Path dir;
  private final Timing timing;
  private final Deployment v1Manifest;
  private final Deployment v2Manifest;
  private final Path targets;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicReference<ModelServerClient> service = new AtomicReference<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final HttpClient http = HttpClient.newHttpClient();
  private KubernetesMockServer api;
  private NamespacedKubernetesClient client;
  private ControllerApp controller;
  private PrometheusProcess prometheus;
  private ModelServerProcess v1;
  private Moments moments;

  private SelfHealingRun(Path dir, Timing timing) throws IOException {
    this.dir = dir;
    this.timing = timing;
    this.v1Manifest = load("k8s/deployment.yaml", Deployment.class);
    this.v2Manifest = load("k8s/deployment-v2.yaml", Deployment.class);
    this.targets = dir.resolve("pods.json");
  }

  /**
   * Starts the cluster stand-in with v1 deployed and serving, the controller leading, Alertmanager
   * and Prometheus; traffic flows to v1.
   *
   * @param dir a fresh directory for configuration files
   */
  public static SelfHealingRun start(Path dir, Timing timing) throws IOException {
    SelfHealingRun run = new SelfHealingRun(dir, timing);
    try {
      run.startEverything();
      return run;
    } catch (RuntimeException | IOException | Error e) {
      run.close();
      throw e;
    }
  }

  private void startEverything() throws IOException {
    api = MockApiServer.crud();
    api.init();
    resources.add(api::destroy);
    client = api.createClient();
    resources.add(client);
    Deployment deployment = client.resource(withRevision(v1Manifest, 1)).create();
    ReplicaSet rsV1 = client.resource(replicaSet(deployment, v1Manifest, HASH_V1, 1, 3)).create();
    client.resource(pod(rsV1, V1_POD)).create();

    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("WEBHOOK_TOKEN", webhookToken);
    env.put("POD_NAME", CONTROLLER_POD);
    env.put("RESYNC_SECONDS", "1");
    env.put("LEASE_DURATION_SECONDS", "6");
    env.put("RENEW_DEADLINE_SECONDS", "4");
    env.put("RETRY_PERIOD_SECONDS", "1");
    controller =
        ControllerApp.start(
            ControllerConfig.fromEnv(env),
            client,
            new PrometheusRegistry(),
            Clock.systemUTC(),
            null);
    resources.add(controller);
    await("controller leads").atMost(TIMEOUT).until(controller::leading);

    AlertmanagerProcess alertmanager =
        AlertmanagerProcess.start(
            alertmanagerConfig(URI.create("http://127.0.0.1:" + controller.port() + "/alerts")));
    resources.add(alertmanager);
    v1 = modelServer("v1.0");
    LabMonitoring.writePodTargets(
        targets, List.of(modelPod(v1Manifest, V1_POD, RS_V1, HASH_V1, v1), controllerPod()));
    prometheus =
        PrometheusProcess.builder(prometheusConfig(alertmanager.address()))
            .flag("--rules.alert.resend-delay=1s")
            .start();
    resources.add(prometheus);
    service.set(clientFor(v1));
    startTraffic();
  }

  /**
   * Plays the run: v1 under traffic for a while, the v2 rollout, the automatic rollback, v1 again
   * until the model alerts have cleared.
   *
   * @return when each step happened
   */
  public Moments play() throws IOException {
    Instant start = Instant.now();
    awaitScrapes("v1 recorded", V1_POD, timing.scrapesPerPhase);

    ModelServerProcess v2 = modelServer("v2.0");
    Instant rollout = Instant.now();
    Deployment current =
        client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get();
    current.getSpec().setTemplate(v2Manifest.getSpec().getTemplate());
    current.getMetadata().setAnnotations(revisionAnnotations(v2Manifest, 2));
    client.resource(current).update();
    ReplicaSet rsV2 = client.resource(replicaSet(current, v2Manifest, HASH_V2, 2, 3)).create();
    client.resource(pod(rsV2, V2_POD)).create();
    client.pods().inNamespace(NAMESPACE).withName(V1_POD).delete();
    LabMonitoring.writePodTargets(
        targets, List.of(modelPod(v2Manifest, V2_POD, RS_V2, HASH_V2, v2), controllerPod()));
    service.set(clientFor(v2));

    await("the controller rolled the Deployment back to v1's template")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .until(() -> template().equals(v1Manifest.getSpec().getTemplate()));
    Instant rollback = Instant.now();
    // The Deployment controller's part: new pods of the restored ReplicaSet replace v2's. The
    // running v1 process stands in for them.
    ReplicaSet restored = client.apps().replicaSets().inNamespace(NAMESPACE).withName(RS_V1).get();
    client.resource(pod(restored, V1_POD_AFTER)).create();
    client.pods().inNamespace(NAMESPACE).withName(V2_POD).delete();
    LabMonitoring.writePodTargets(
        targets, List.of(modelPod(v1Manifest, V1_POD_AFTER, RS_V1, HASH_V1, v1), controllerPod()));
    service.set(clientFor(v1));
    // As in a cluster, the old pod leaves discovery before its process ends; stopping it first
    // would show as a failed scrape (up == 0) that no rollback causes.
    await("v2 pod gone from discovery")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .until(() -> !prometheus.activeTargets().toString().contains(V2_POD));
    v2.stop();

    await("model alerts cleared")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .until(
            () ->
                prometheus
                    .query("ALERTS{deployment=\"" + DEPLOYMENT + "\", alertname=~\"Model.*\"}")
                    .isEmpty());
    awaitScrapes("v1 recorded after the rollback", V1_POD_AFTER, timing.scrapesPerPhase);
    moments = new Moments(start, rollout, rollback, Instant.now());
    return moments;
  }

  /** The Prometheus that recorded the run. */
  public PrometheusProcess prometheus() {
    return prometheus;
  }

  /** The monitoring speed of this run. */
  public Timing timing() {
    return timing;
  }

  /** Predictions sent so far, and those answered with a prediction. */
  public long[] traffic() {
    return new long[] {sent.get(), served.get()};
  }

  /** The Deployment's pod template now. */
  public PodTemplateSpec template() {
    return client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(DEPLOYMENT)
        .get()
        .getSpec()
        .getTemplate();
  }

  /** The template of k8s/deployment.yaml (v1). */
  public PodTemplateSpec v1Template() {
    return v1Manifest.getSpec().getTemplate();
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the run failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    resources.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** Waits until Prometheus holds {@code count} samples of the pod's accuracy. */
  private void awaitScrapes(String what, String pod, int count) {
    String query = "count_over_time(model_accuracy{pod=\"" + pod + "\"}[10m]) >= " + count;
    await(what)
        .atMost(TIMEOUT.plus(timing.scrapeInterval.multipliedBy(count)))
        .pollInterval(POLL)
        .until(() -> !prometheus.query(query).isEmpty());
  }

  /** {@link #RATE} predictions per second, each followed by its true label as feedback. */
  private void startTraffic() {
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    resources.add(
        () -> {
          pacer.shutdownNow();
          if (!pacer.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("traffic did not stop");
          }
        });
    TransactionSource source = new TransactionSource(20_261_126L);
    pacer.scheduleAtFixedRate(
        () -> {
          // Like a client with a bounded connection pool: past MAX_IN_FLIGHT it skips a beat.
          if (!inFlight.tryAcquire()) {
            return;
          }
          var labelled = source.next();
          ModelServerClient target = service.get();
          sent.incrementAndGet();
          target
              .predict(labelled.transaction())
              .thenCompose(
                  (PredictResult r) -> {
                    if (r.outcome() != Outcome.OK) {
                      return java.util.concurrent.CompletableFuture.completedFuture(r.outcome());
                    }
                    served.incrementAndGet();
                    return target.feedback(r.response().predictionId(), labelled.fraud());
                  })
              .whenComplete((o, e) -> inFlight.release());
        },
        0,
        1000 / RATE,
        TimeUnit.MILLISECONDS);
  }

  private ModelServerClient clientFor(ModelServerProcess server) {
    // Over the shared JDK client: one process per "pod", so no balancer can split a prediction
    // from its feedback, and overlapping requests need a pool rather than one lane.
    URI base = URI.create("http://127.0.0.1:" + server.port());
    Transport pooled =
        (path, body, bearer) ->
            http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Transport.Answer(r.statusCode(), r.body()));
    return new ModelServerClient(pooled, HttpJson.mapper(), null);
  }

  private ModelServerProcess modelServer(String version) {
    ModelServerProcess.Builder builder =
        ModelServerProcess.builder()
            .env("MODEL_VERSION", version)
            .env("SHUTDOWN_GRACE_SECONDS", "1");
    if (timing == Timing.FAST) {
      // As PrometheusAlertingIT: no latent stall, whose start-relative clock could hit the
      // self-check before the first ready on a busy machine; evaluations every second.
      builder.env("FAULT_STALL_AFTER_SECONDS", "0").env("SELF_EVAL_INTERVAL_SECONDS", "1");
    }
    ModelServerProcess server = builder.start();
    resources.add(server);
    return server;
  }

  private Path prometheusConfig(String alertmanagerAddress) throws IOException {
    Path config =
        LabMonitoring.writePrometheusConfig(dir.resolve("prom"), targets, alertmanagerAddress);
    if (timing == Timing.LAB) {
      // Undo LabMonitoring's speed-ups: the chart's intervals and the rules as they are.
      JsonNode values = read(RepoPaths.resolve("k8s/prometheus-values.yaml"));
      ObjectNode rendered = (ObjectNode) read(config);
      ObjectNode global = (ObjectNode) rendered.path("global");
      JsonNode chart = values.path("server").path("global");
      global.put("scrape_interval", chart.path("scrape_interval").asText());
      global.put("scrape_timeout", chart.path("scrape_timeout").asText());
      global.put("evaluation_interval", chart.path("evaluation_interval").asText());
      Path rules = Path.of(rendered.path("rule_files").get(0).asText());
      Files.copy(
          RepoPaths.resolve("prometheus/alerting_rules.yml"),
          rules,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      YAML_MAPPER.writeValue(config.toFile(), rendered);
    }
    return config;
  }

  private Path alertmanagerConfig(URI webhook) throws IOException {
    Path config = LabMonitoring.writeAlertmanagerConfig(dir.resolve("am"), webhook, webhookToken);
    if (timing == Timing.LAB) {
      // Undo LabMonitoring's 1 s grouping: the values file's group_wait and group_interval.
      JsonNode route =
          read(RepoPaths.resolve("k8s/prometheus-values.yaml"))
              .path("alertmanager")
              .path("config")
              .path("route");
      ObjectNode rendered = (ObjectNode) read(config);
      copyGrouping(route, (ObjectNode) rendered.path("route"));
      YAML_MAPPER.writeValue(config.toFile(), rendered);
    }
    return config;
  }

  private static void copyGrouping(JsonNode from, ObjectNode to) {
    for (String field : List.of("group_wait", "group_interval")) {
      if (from.has(field)) {
        to.put(field, from.path(field).asText());
      }
    }
    for (int i = 0; i < from.path("routes").size(); i++) {
      copyGrouping(from.path("routes").get(i), (ObjectNode) to.path("routes").get(i));
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML_MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  private static JsonNode read(Path path) throws IOException {
    return YAML_MAPPER.readTree(path.toFile());
  }

  private static <T> T load(String path, Class<T> type) throws IOException {
    try (InputStream in = Files.newInputStream(RepoPaths.resolve(path))) {
      return YAML.unmarshal(in, type);
    }
  }

  private static Deployment withRevision(Deployment manifest, long revision) {
    Deployment copy = YAML.clone(manifest);
    copy.getMetadata().setAnnotations(revisionAnnotations(manifest, revision));
    return copy;
  }

  private static Map<String, String> revisionAnnotations(Deployment release, long revision) {
    return Workloads.withRevision(release.getMetadata().getAnnotations(), revision);
  }

  /** The ReplicaSet the Deployment controller makes for {@code release}, as RollbackChainE2E's. */
  private static ReplicaSet replicaSet(
      Deployment owner, Deployment release, String hash, long revision, int replicas) {
    return Workloads.replicaSet(NAMESPACE, DEPLOYMENT, owner.getMetadata().getUid())
        .template(release.getSpec().getTemplate())
        .hash(hash)
        .revision(revision)
        .annotations(release.getMetadata().getAnnotations())
        .replicas(replicas)
        .build();
  }

  private static Pod pod(ReplicaSet rs, String name) {
    return Workloads.pod(rs, name);
  }

  /** A model-server pod as discovery reports it, scraped on the process's real port. */
  private static LabMonitoring.PodTarget modelPod(
      Deployment manifest, String name, String rs, String hash, ModelServerProcess server) {
    var template = manifest.getSpec().getTemplate().getMetadata();
    Map<String, String> labels = new LinkedHashMap<>(template.getLabels());
    labels.put("pod-template-hash", hash);
    Map<String, String> annotations = new LinkedHashMap<>(template.getAnnotations());
    annotations.put("prometheus.io/port", Integer.toString(server.port()));
    return new LabMonitoring.PodTarget(
        name, NAMESPACE, rs, "ReplicaSet", labels, annotations, "127.0.0.1:9");
  }

  /** The rollback controller's pod of k8s/rollback-controller.yaml, scraped on its real port. */
  private LabMonitoring.PodTarget controllerPod() {
    try (InputStream in = Files.newInputStream(RepoPaths.resolve("k8s/rollback-controller.yaml"))) {
      List<HasMetadata> objects = YAML.unmarshal(in);
      Deployment deployment =
          objects.stream()
              .filter(Deployment.class::isInstance)
              .map(Deployment.class::cast)
              .findFirst()
              .orElseThrow();
      var template = deployment.getSpec().getTemplate().getMetadata();
      Map<String, String> labels = new LinkedHashMap<>(template.getLabels());
      labels.put("pod-template-hash", "5d8f9c7b6d");
      Map<String, String> annotations = new LinkedHashMap<>(template.getAnnotations());
      annotations.put("prometheus.io/port", Integer.toString(controller.port()));
      return new LabMonitoring.PodTarget(
          CONTROLLER_POD,
          deployment.getMetadata().getNamespace(),
          CONTROLLER_RS,
          "ReplicaSet",
          labels,
          annotations,
          "127.0.0.1:9");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
