package dev.selfheal.modelserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.faults.FaultInjector;
import dev.selfheal.modelserver.faults.ProbeFiles;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Heartbeat;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.lifecycle.Phase;
import dev.selfheal.modelserver.lifecycle.ProbeReport;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.lifecycle.ProgressWatchdog;
import dev.selfheal.modelserver.lifecycle.Threads;
import dev.selfheal.modelserver.metrics.BuildInfo;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.Transaction;
import dev.selfheal.modelserver.quality.DegradationRule;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.modelserver.quality.SelfEvaluator;
import dev.selfheal.modelserver.server.ErrorMapper;
import dev.selfheal.modelserver.server.HttpApi;
import dev.selfheal.modelserver.server.InferencePool;
import dev.selfheal.modelserver.server.Json;
import dev.selfheal.modelserver.server.Responder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring: builds every component from a {@link ServerConfig}, serves HTTP, loads and
 * self-checks the model, then turns ready. {@code Main} and the tests start the server through
 * {@link #start}; the tests pass a fresh registry, a model double and, where time matters, a clock.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

  private final ServerConfig config;
  private final HttpServer http;
  private final ExecutorService httpThreads;
  private final InferencePool pool;
  private final Lifecycle lifecycle;
  private final Probes probes;
  private final FaultInjector faults;
  private final ScheduledExecutorService selfEvaluation;
  private ProgressWatchdog watchdog;

  private ModelServer(
      ServerConfig config,
      HttpServer http,
      ExecutorService httpThreads,
      InferencePool pool,
      Lifecycle lifecycle,
      Probes probes,
      FaultInjector faults) {
    this.config = config;
    this.http = http;
    this.httpThreads = httpThreads;
    this.pool = pool;
    this.lifecycle = lifecycle;
    this.probes = probes;
    this.faults = faults;
    this.selfEvaluation = Executors.newSingleThreadScheduledExecutor(Threads.daemon("self-eval"));
  }

  /**
   * Starts serving HTTP (readiness 503), loads the model, self-checks it on the golden set and
   * turns ready. Returns once ready.
   *
   * @throws Exception when the model cannot be loaded or fails its self-check (HTTP is stopped)
   */
  public static ModelServer start(
      ServerConfig config, ModelSource source, PrometheusRegistry registry, Clock clock)
      throws Exception {
    Instant start = clock.instant();
    String version = config.modelVersion();
    QualityMonitor quality =
        new QualityMonitor(
            config.accuracyWindowSize(),
            config.errorWindowSize(),
            new DegradationRule(config.accuracyThreshold(), config.errorRateThreshold()),
            config.labels(),
            clock);
    ModelMetrics metrics =
        ModelMetrics.register(registry, version, quality, clock, start, BuildInfo.current());
    Heartbeat heartbeat = new Heartbeat(clock);
    Lifecycle lifecycle = new Lifecycle();
    ProbeFiles files =
        new ProbeFiles(config.faults().unreadyFile(), config.faults().unhealthyFile());
    Probes probes = new Probes(lifecycle, heartbeat, config.livenessTimeout(), files);
    FaultInjector faults = new FaultInjector(config.faults(), clock, start);
    PredictionLedger ledger =
        new PredictionLedger(config.feedbackCapacity(), config.feedbackMaxAge(), clock);
    FeedbackGate feedback = new FeedbackGate(config.feedbackToken(), ledger, quality, metrics);
    InferenceEngine engine =
        new InferenceEngine(faults, quality, metrics, heartbeat, ledger, probes::inferenceStuck);
    ObjectMapper json = Json.mapper();
    Responder responder = new Responder(json, new ErrorMapper(), metrics);
    InferencePool pool =
        new InferencePool(
            config.predictThreads(),
            config.predictQueueCapacity(),
            responder,
            engine::requireProgress);
    metrics.registerInFlight(registry, pool::inFlight);

    HttpServer http = HttpServer.create(new InetSocketAddress(config.port()), 256);
    ExecutorService httpThreads =
        Executors.newFixedThreadPool(config.httpThreads(), Threads.daemon("http"));
    http.setExecutor(httpThreads);
    HttpApi.routing(
        http,
        new HttpApi.Dependencies(
            version,
            config.maxBodyBytes(),
            engine,
            pool,
            probes,
            quality,
            feedback,
            lifecycle,
            registry,
            json,
            responder));
    http.start();
    ModelServer server =
        new ModelServer(config, http, httpThreads, pool, lifecycle, probes, faults);
    LOG.info(
        "Listening on port {} for model {}; faults: {}", server.port(), version, config.faults());
    try {
      server.loadAndCheck(source, engine, quality, heartbeat, registry);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void loadAndCheck(
      ModelSource source,
      InferenceEngine engine,
      QualityMonitor quality,
      Heartbeat heartbeat,
      PrometheusRegistry registry)
      throws Exception {
    long loadStart = System.nanoTime();
    FraudModel model = source.load(config.modelVersion());
    engine.install(model);
    LOG.info(
        "Model {} loaded in {} ms: {}",
        config.modelVersion(),
        (System.nanoTime() - loadStart) / 1_000_000,
        model.provenance());
    SelfEvaluator evaluator =
        new SelfEvaluator(model.goldenSet(), engine::evaluate, quality, config.selfEvalBatchSize());
    SelfEvaluator.EvaluationResult check = evaluator.selfCheck();
    String summary =
        String.format(
            java.util.Locale.ROOT,
            "accuracy %.4f on %d golden examples",
            check.accuracy(),
            check.examples());
    probes.selfCheckPassed(summary);
    LOG.info("Self-check passed: {}", summary);
    heartbeat.tick();
    Transaction canary = model.goldenSet().get(0).transaction();
    watchdog =
        ProgressWatchdog.start(
            () -> engine.evaluate(canary), heartbeat, config.heartbeatInterval());
    long periodMs = config.selfEvalInterval().toMillis();
    selfEvaluation.scheduleWithFixedDelay(
        () -> {
          try {
            evaluator.runBatch();
          } catch (RuntimeException e) {
            LOG.warn("Periodic self-evaluation failed: {}", e.toString());
          }
        },
        periodMs,
        periodMs,
        TimeUnit.MILLISECONDS);
    lifecycle.advanceTo(Phase.READY);
    selfEvaluation.execute(() -> ModelMetrics.registerJvmMetrics(registry));
    ProcessHandle.current()
        .info()
        .startInstant()
        .ifPresent(
            started ->
                LOG.info(
                    "Ready {} ms after process start",
                    Duration.between(started, Instant.now()).toMillis()));
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Current liveness, as {@code /health} reports it. */
  public ProbeReport liveness() {
    return probes.liveness();
  }

  /** Inference requests accepted and not yet answered. */
  public int inFlight() {
    return pool.inFlight();
  }

  /** Current lifecycle phase. */
  public Phase phase() {
    return lifecycle.phase();
  }

  /**
   * The SIGTERM path: readiness fails at once, liveness keeps passing, accepted inference requests
   * drain for up to {@code SHUTDOWN_GRACE_SECONDS}, then HTTP stops.
   *
   * @return true when every in-flight request finished within the grace period
   */
  public boolean shutdownGracefully() {
    if (!lifecycle.advanceTo(Phase.DRAINING)) {
      return true;
    }
    Duration grace = config.shutdownGrace();
    // Keep a little of the grace period for stopping the HTTP server itself.
    Duration drainBudget = grace.minus(grace.dividedBy(10));
    LOG.info(
        "Shutdown requested: draining {} in-flight requests for up to {}",
        pool.inFlight(),
        drainBudget);
    boolean drained;
    try {
      drained = pool.awaitIdle(drainBudget);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (!drained) {
      LOG.warn("Grace period over with {} requests still in flight", pool.inFlight());
    }
    stopAll();
    LOG.info("Shutdown complete (drained: {})", drained);
    return drained;
  }

  /**
   * Stops everything at once and frees threads parked by the stall fault. For tests and failures.
   */
  @Override
  public void close() {
    lifecycle.advanceTo(Phase.DRAINING);
    stopAll();
    faults.release();
  }

  private void stopAll() {
    lifecycle.advanceTo(Phase.STOPPED);
    if (watchdog != null) {
      watchdog.close();
    }
    selfEvaluation.shutdownNow();
    http.stop(0);
    httpThreads.shutdownNow();
    pool.shutdownNow();
  }
}
