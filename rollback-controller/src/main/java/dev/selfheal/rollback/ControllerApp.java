package dev.selfheal.rollback;

import com.sun.net.httpserver.HttpServer;
import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.config.ControllerConfig;
import dev.selfheal.rollback.controller.DeploymentWatcher;
import dev.selfheal.rollback.controller.LeaderGate;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertPayloadParser;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.rollback.observe.RolloutHealth;
import dev.selfheal.rollback.server.AlertsHandler;
import dev.selfheal.rollback.server.BearerToken;
import dev.selfheal.rollback.server.HealthHandler;
import dev.selfheal.rollback.server.NotFoundHandler;
import dev.selfheal.rollback.server.ReadyHandler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of the controller: HTTP endpoints, reconciler, watch and leader election. {@code Main}
 * and the tests both start it through {@link #start}, so tests exercise the real wiring.
 */
public final class ControllerApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerApp.class);

  private final HttpServer server;
  private final ExecutorService httpExecutor;
  private final LeaderGate leaderGate;
  private final DeploymentWatcher watcher;
  private final Reconciler reconciler;

  private ControllerApp(
      HttpServer server,
      ExecutorService httpExecutor,
      LeaderGate leaderGate,
      DeploymentWatcher watcher,
      Reconciler reconciler) {
    this.server = server;
    this.httpExecutor = httpExecutor;
    this.leaderGate = leaderGate;
    this.watcher = watcher;
    this.reconciler = reconciler;
  }

  /**
   * Builds and starts the controller.
   *
   * @param config configuration
   * @param client API client (owned by the caller)
   * @param registry metrics registry
   * @param clock time source
   * @param listener patch listener (benchmarks), may be null
   * @return the running controller
   * @throws IOException when the port cannot be bound
   */
  public static ControllerApp start(
      ControllerConfig config,
      KubernetesClient client,
      PrometheusRegistry registry,
      Clock clock,
      RollbackExecutor.PatchListener listener)
      throws IOException {
    ControllerMetrics metrics = new ControllerMetrics(registry);
    RollbackDecider decider =
        new RollbackDecider(
            new RollbackPolicy(
                config.namespaces(),
                config.alertNames(),
                config.cooldown(),
                config.maxRollbacksPerHour()));
    RollbackExecutor executor =
        new RollbackExecutor(client, metrics, config.dryRun(), config.identity(), listener);
    ClusterReader reader = new ClusterReader(client);
    Reconciler reconciler = new Reconciler(reader, decider, executor, metrics, clock);
    DeploymentWatcher watcher =
        config.watchEnabled()
            ? new DeploymentWatcher(
                client,
                config.namespaces(),
                new RolloutHealth(
                    config.crashLoopRestarts(), config.unreadyAfter(), config.rolloutWindow()),
                reconciler,
                config.resync(),
                clock)
            : null;
    if (watcher != null) {
      reader.useReplicaSetCache(watcher::cachedReplicaSets);
    }
    AlertPayloadParser parser =
        new AlertPayloadParser(config.alertNames(), config.maxAlertsPerRequest());
    metrics.leader(false);

    HttpServer server = HttpServer.create(new InetSocketAddress(config.port()), 64);
    ExecutorService httpExecutor = Executors.newFixedThreadPool(4);
    server.setExecutor(httpExecutor);
    server.createContext(
        "/alerts",
        new AlertsHandler(
            new BearerToken(config.webhookToken()),
            parser,
            reconciler,
            metrics,
            config.maxBodyBytes()));
    server.createContext("/healthz", new HealthHandler());
    server.createContext(
        "/readyz",
        new ReadyHandler(reconciler::leading, () -> watcher == null || watcher.synced()));
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/", new NotFoundHandler());
    server.start();

    LeaderGate gate =
        new LeaderGate(
            client,
            new LeaderGate.Settings(
                config.leaderElection(),
                config.leaseNamespace(),
                config.leaseName(),
                config.identity(),
                config.leaseDuration(),
                config.renewDeadline(),
                config.retryPeriod()),
            () -> {
              if (watcher != null) {
                watcher.start();
              }
              reconciler.setLeading(true);
            },
            () -> {
              reconciler.setLeading(false);
              if (watcher != null) {
                watcher.close();
              }
            });
    gate.start();
    LOG.info(
        "Rollback controller listening on port {} (namespaces {}, dry-run {}, watch {})",
        server.getAddress().getPort(),
        config.namespaces(),
        config.dryRun(),
        config.watchEnabled());
    return new ControllerApp(server, httpExecutor, gate, watcher, reconciler);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Whether this instance currently acts. */
  public boolean leading() {
    return reconciler.leading();
  }

  /** Whether the watch caches are synced (true when the watch is off). */
  public boolean watchSynced() {
    return watcher == null || watcher.synced();
  }

  /** Stops acting, releases the Lease, stops the HTTP server. */
  @Override
  public void close() {
    leaderGate.close();
    if (watcher != null) {
      watcher.close();
    }
    reconciler.close();
    server.stop(0);
    httpExecutor.shutdownNow();
  }
}
