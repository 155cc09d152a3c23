package dev.selfheal.rollback;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.config.ControllerConfig;
import dev.selfheal.rollback.controller.DeploymentWatcher;
import dev.selfheal.rollback.controller.LeaderGate;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.rollback.health.BusyWorkers;
import dev.selfheal.rollback.health.ControllerProbes;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertPayloadParser;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.rollback.observe.RolloutHealth;
import dev.selfheal.rollback.server.BearerToken;
import dev.selfheal.rollback.server.HttpApi;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.http.DrainReport;
import dev.selfheal.runtime.http.HttpLimits;
import dev.selfheal.runtime.http.HttpService;
import dev.selfheal.runtime.http.Routes;
import dev.selfheal.runtime.http.Workers;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring of the controller: HTTP server (its routes from {@link HttpApi#routes}), reconciler,
 * watch and leader election. {@code Main} and the tests both start it through {@link #start}, so
 * tests exercise the real wiring.
 */
public final class ControllerApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerApp.class);

  private final HttpService server;
  private final ExecutorService alertWorkers;
  private final LeaderGate leaderGate;
  private final DeploymentWatcher watcher;
  private final Reconciler reconciler;

  private ControllerApp(
      HttpService server,
      ExecutorService alertWorkers,
      LeaderGate leaderGate,
      DeploymentWatcher watcher,
      Reconciler reconciler) {
    this.server = server;
    this.alertWorkers = alertWorkers;
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
   * @throws IllegalStateException naming the port and {@code PORT} when it cannot be bound
   */
  public static ControllerApp start(
      ControllerConfig config,
      KubernetesClient client,
      PrometheusRegistry registry,
      Clock clock,
      RollbackExecutor.PatchListener listener) {
    ControllerMetrics metrics = new ControllerMetrics(registry);
    RollbackExecutor executor =
        new RollbackExecutor(client, metrics, config.dryRun(), config.identity(), listener);
    ClusterReader reader = new ClusterReader(client);
    Reconciler reconciler = new Reconciler(reader, decider(config), executor, metrics, clock);
    Progress watchProgress =
        Progress.builder("watch_worker")
            .stallAfter(config.workerStall())
            .stalledMeans("watch worker stuck")
            .build();
    DeploymentWatcher watcher =
        config.watchEnabled() ? watcher(config, client, reconciler, clock, watchProgress) : null;
    if (watcher != null) {
      reader.useReplicaSetCache(watcher::cachedReplicaSets);
    } else {
      watchProgress.idle();
    }
    metrics.leader(false);

    // Webhook deliveries call the API server, so they run here, never on the HTTP event loop; a
    // full queue answers 503 and Alertmanager retries.
    ThreadPoolExecutor alertWorkers = Workers.bounded("alerts", 2, 32);
    BusyWorkers busyAlertWorkers = new BusyWorkers("alert_workers", config.workerStall());
    BooleanSupplier synced = () -> watcher == null || watcher.synced();
    HttpApi.Dependencies deps =
        new HttpApi.Dependencies(
            new BearerToken(config.webhookToken()),
            new AlertPayloadParser(config.alertNames(), config.maxAlertsPerRequest()),
            reconciler,
            busyAlertWorkers.track(alertWorkers),
            ControllerProbes.liveness(watchProgress, busyAlertWorkers),
            ControllerProbes.readiness(reconciler::leading, synced, reconciler::notReadyReason),
            registry);
    HttpService server = server(config, metrics, HttpApi.routes(deps));

    LeaderGate gate = leaderGate(config, client, reconciler, watcher);
    gate.start();
    LOG.info(
        "Rollback controller listening on port {} (namespaces {}, dry-run {}, watch {})",
        server.port(),
        config.namespaces(),
        config.dryRun(),
        config.watchEnabled());
    return new ControllerApp(server, alertWorkers, gate, watcher, reconciler);
  }

  private static RollbackDecider decider(ControllerConfig config) {
    return new RollbackDecider(
        new RollbackPolicy(
            config.namespaces(),
            config.alertNames(),
            config.cooldown(),
            config.maxRollbacksPerHour(),
            config.maxRollbacksPerDeploymentPerHour(),
            config.rolloutWindow(),
            config.dryRun()));
  }

  private static DeploymentWatcher watcher(
      ControllerConfig config,
      KubernetesClient client,
      Reconciler reconciler,
      Clock clock,
      Progress progress) {
    return new DeploymentWatcher(
        client,
        config.namespaces(),
        new RolloutHealth(
            config.crashLoopRestarts(), config.unreadyAfter(), config.rolloutWindow()),
        reconciler,
        config.resync(),
        clock,
        progress);
  }

  /** Starts the HTTP server on {@code routes}, counting webhook requests by status. */
  private static HttpService server(
      ControllerConfig config, ControllerMetrics metrics, Routes routes) {
    return HttpService.builder()
        .port(config.port(), "PORT")
        .limits(HttpLimits.defaults().withMaxBodyBytes(config.maxBodyBytes()))
        .observer(
            (method, route, status, seconds) -> {
              if (route.equals("/alerts")) {
                metrics.webhookRequest(status);
              }
            })
        .routes(routes)
        .start();
  }

  /** The Lease: the watch runs and the reconciler acts only while this instance leads. */
  private static LeaderGate leaderGate(
      ControllerConfig config,
      KubernetesClient client,
      Reconciler reconciler,
      DeploymentWatcher watcher) {
    return new LeaderGate(
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
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  /** Whether this instance currently acts. */
  public boolean leading() {
    return reconciler.leading();
  }

  /** Whether the watch caches are synced (true when the watch is off). */
  public boolean watchSynced() {
    return watcher == null || watcher.synced();
  }

  /**
   * The SIGTERM path: webhook deliveries in progress finish (new answers say {@code Connection:
   * close}) for up to {@code grace}, then the controller stops acting and releases the Lease.
   *
   * @return true when the HTTP drain finished in time
   */
  public boolean shutdownGracefully(Duration grace) {
    DrainReport report = server.drain(grace);
    close();
    LOG.info("HTTP drain finished ({})", report);
    return report.drained();
  }

  /** Stops acting, releases the Lease, stops the HTTP server. */
  @Override
  public void close() {
    server.close();
    alertWorkers.shutdownNow();
    leaderGate.close();
    if (watcher != null) {
      watcher.close();
    }
    reconciler.close();
  }
}
