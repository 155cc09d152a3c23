package dev.selfheal.rollback.bench;

import dev.selfheal.rollback.ControllerApp;
import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.TestConfigs;
import dev.selfheal.rollback.Webhooks;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import dev.selfheal.testsupport.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Benchmark harness (not a test): webhook receipt to acknowledged rollback PATCH, measured inside
 * the controller, over many deliveries against fabric8's mock API server in CRUD mode. Each
 * delivery targets its own Deployment (v1 and v2 ReplicaSets), so every one is a real rollback.
 * Baseline in the same run: a plain GET of a Deployment against the same mock server. Run it with
 * bench/rollback-latency.sh.
 */
public final class RollbackLatencyBench {

  // Held so the JUL level sticks: the mock server logs every request at INFO.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private RollbackLatencyBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional number of measured deliveries (default 250)
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int deliveries = args.length > 0 ? Integer.parseInt(args[0]) : 250;
    int warmup = 50;
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    KubernetesMockServer server = MockApiServer.crud();
    server.init();
    try (NamespacedKubernetesClient client = server.createClient()) {
      for (int i = 0; i < warmup + deliveries; i++) {
        seed(client, name(i));
      }
      Map<String, Long> latencies = new ConcurrentHashMap<>();
      try (ControllerApp app =
          ControllerApp.start(
              TestConfigs.config(
                  Map.of(
                      "COOLDOWN_SECONDS", "0",
                      "MAX_ROLLBACKS_PER_HOUR", "1000000",
                      "RESYNC_SECONDS", "10")),
              client,
              new PrometheusRegistry(),
              Clock.systemUTC(),
              (ns, deployment, nanos) -> latencies.put(deployment, nanos))) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!(app.leading() && app.watchSynced())) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("controller did not become leader within 30 s");
          }
          Thread.onSpinWait();
        }
        List<Double> roundTrips = new ArrayList<>();
        for (int i = 0; i < warmup + deliveries; i++) {
          String body =
              AlertWebhook.firing("ModelAccuracyLow")
                  .in(Fixtures.NS)
                  .deployment(name(i))
                  .hash(Fixtures.HASH_V2)
                  .json();
          long start = System.nanoTime();
          HttpResponse<String> response =
              Webhooks.post(app.port(), body, "Bearer " + Webhooks.TOKEN);
          long roundTrip = System.nanoTime() - start;
          if (response.statusCode() != 200
              || !response.body().contains("\"decision\":\"rollback\"")) {
            throw new IllegalStateException(
                "delivery " + i + " did not roll back: " + response.body());
          }
          if (i >= warmup) {
            roundTrips.add(roundTrip / 1e6);
          }
        }
        List<Double> patch = new ArrayList<>();
        for (int i = warmup; i < warmup + deliveries; i++) {
          patch.add(latencies.get(name(i)) / 1e6);
        }
        List<Double> baseline = new ArrayList<>();
        for (int i = 0; i < warmup + deliveries; i++) {
          long start = System.nanoTime();
          Deployment d =
              client.apps().deployments().inNamespace(Fixtures.NS).withName(name(i)).get();
          long took = System.nanoTime() - start;
          if (d == null) {
            throw new IllegalStateException("baseline GET found nothing");
          }
          if (i >= warmup) {
            baseline.add(took / 1e6);
          }
        }
        report(deliveries, patch, roundTrips, baseline);
      }
    } finally {
      server.destroy();
    }
  }

  private static String name(int i) {
    return String.format(Locale.ROOT, "bench-%04d", i);
  }

  private static void seed(NamespacedKubernetesClient client, String name) {
    Deployment d = Fixtures.deployment("v2", true);
    rename(d.getMetadata(), name);
    d.getSpec().getSelector().setMatchLabels(Map.of("app", name));
    d.getSpec().getTemplate().getMetadata().getLabels().put("app", name);
    d = client.resource(d).create();
    for (String v : List.of("v1", "v2")) {
      ReplicaSet rs = Fixtures.replicaSet(v, v.equals("v1") ? 1 : 2, Instant.now());
      rs.getMetadata().setName(name + "-" + (v.equals("v1") ? Fixtures.HASH_V1 : Fixtures.HASH_V2));
      rs.getMetadata().getLabels().put("app", name);
      rs.getSpec().getTemplate().getMetadata().getLabels().put("app", name);
      rs.getMetadata().getOwnerReferences().get(0).setName(name);
      rs.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
      client.resource(rs).create();
    }
  }

  private static void rename(io.fabric8.kubernetes.api.model.ObjectMeta meta, String name) {
    meta.setName(name);
    meta.setUid(null);
    Map<String, String> labels = new HashMap<>(meta.getLabels());
    labels.put("app", name);
    meta.setLabels(labels);
  }

  private static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  private static void report(
      int n, List<Double> patch, List<Double> roundTrips, List<Double> baseline) {
    double p50 = percentile(patch, 0.50);
    double p99 = percentile(patch, 0.99);
    double b50 = percentile(baseline, 0.50);
    double b99 = percentile(baseline, 0.99);
    System.out.printf(Locale.ROOT, "deliveries measured:                 %d (after warm-up)%n", n);
    System.out.printf(
        Locale.ROOT, "receipt -> patch acknowledged  p50: %7.2f ms   p99: %7.2f ms%n", p50, p99);
    System.out.printf(
        Locale.ROOT,
        "webhook round trip (client)    p50: %7.2f ms   p99: %7.2f ms%n",
        percentile(roundTrips, 0.5),
        percentile(roundTrips, 0.99));
    System.out.printf(
        Locale.ROOT, "baseline: GET deployment       p50: %7.2f ms   p99: %7.2f ms%n", b50, b99);
    System.out.printf(
        Locale.ROOT,
        "ratio to baseline              p50: %7.1fx     p99: %7.1fx%n",
        p50 / b50,
        p99 / b99);
    System.out.printf(
        Locale.ROOT, "target p99 <= 100 ms:          %s%n", p99 <= 100 ? "met" : "NOT met");
  }
}
