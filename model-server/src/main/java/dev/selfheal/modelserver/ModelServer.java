package dev.selfheal.modelserver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.faults.FaultInjector;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.inference.ModelStuckException;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.lifecycle.Phase;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.lifecycle.ProgressWatchdog;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.quality.SelfEvaluator;
import dev.selfheal.modelserver.server.HttpApi;
import dev.selfheal.modelserver.server.InferencePool;
import dev.selfheal.modelserver.server.ModelErrors;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.http.DrainReport;
import dev.selfheal.runtime.http.HttpService;
import dev.selfheal.runtime.http.Json;
import dev.selfheal.runtime.lifecycle.Threads;
import dev.selfheal.transactions.Transaction;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring: builds every component from a {@link ServerConfig} (as {@link Components}), serves
 * HTTP, loads and self-checks the model, then turns ready. {@code Main} and the tests start the
 * server through {@link #start}; the tests pass a fresh registry, a model double and, where time
 * matters, a clock.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

  private final ServerConfig config;
  private final HttpService http;
  private final InferencePool pool;
  private final Lifecycle lifecycle;
  private final Probes probes;
  private final FaultInjector faults;
  private final ScheduledExecutorService selfEvaluation;
  private ProgressWatchdog watchdog;

  private ModelServer(
      ServerConfig config,
      HttpService http,
      InferencePool pool,
      Lifecycle lifecycle,
      Probes probes,
      FaultInjector faults) {
    this.config = config;
    this.http = http;
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
    Components parts = Components.build(config, registry, clock);
    HttpService http = serve(config, parts, registry);
    ModelServer server =
        new ModelServer(
            config, http, parts.pool(), parts.lifecycle(), parts.probes(), parts.faults());
    LOG.info(
        "Listening on port {} for model {}; faults: {}",
        server.port(),
        config.modelVersion(),
        config.faults().describe());
    try {
      server.loadAndCheck(source, parts, registry);
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Starts HTTP on every route of {@link HttpApi}, timing each request in the metrics. */
  private static HttpService serve(
      ServerConfig config, Components parts, PrometheusRegistry registry) {
    ObjectMapper json = Json.snakeCaseMapper();
    ModelMetrics metrics = parts.metrics();
    return HttpService.builder()
        .port(config.port(), "PORT")
        .limits(config.http())
        .errors(ModelErrors.mapper())
        .json(json)
        .observer((method, route, status, seconds) -> metrics.observeHttp(route, status, seconds))
        .routes(
            HttpApi.routes(
                new HttpApi.Dependencies(
                    config.modelVersion(),
                    config.http().maxBodyBytes(),
                    parts.engine(),
                    parts.pool(),
                    parts.probes(),
                    parts.quality(),
                    parts.feedback(),
                    parts.lifecycle(),
                    registry,
                    json)))
        .start();
  }

  /** Loads and self-checks the model, starts the checks that run beside serving, turns ready. */
  private void loadAndCheck(ModelSource source, Components parts, PrometheusRegistry registry)
      throws Exception {
    InferenceEngine engine = parts.engine();
    FraudModel model = load(source, engine);
    SelfEvaluator evaluator =
        new SelfEvaluator(
            model.goldenSet(), engine::evaluate, parts.quality(), config.selfEvalBatchSize());
    selfCheck(evaluator);
    parts.progress().beat();
    watchdog = startWatchdog(model.goldenSet().get(0).transaction(), engine, parts.progress());
    scheduleSelfEvaluation(evaluator);
    lifecycle.advanceTo(Phase.READY);
    selfEvaluation.execute(() -> ModelMetrics.registerJvmMetrics(registry));
    // The JVM's own start, not the process's: scripts/run.sh execs java from a shell whose start
    // (and build) would otherwise be counted too.
    LOG.info(
        "Ready {} ms after JVM start",
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
  }

  private FraudModel load(ModelSource source, InferenceEngine engine) throws Exception {
    long loadStart = System.nanoTime();
    FraudModel model = source.load(config.modelVersion());
    engine.install(model);
    // Fields rather than the record's toString, which is bootstrapped through method handles.
    LOG.info(
        "Model {} loaded in {} ms: {} ({}), trained by {}",
        config.modelVersion(),
        (System.nanoTime() - loadStart) / 1_000_000,
        model.provenance().artifact(),
        model.provenance().dataset(),
        model.provenance().trainer());
    return model;
  }

  /**
   * Scores the whole golden set before ready: a malformed answer throws, so the model never serves.
   */
  private void selfCheck(SelfEvaluator evaluator) {
    SelfEvaluator.EvaluationResult check = evaluator.selfCheck();
    String summary =
        String.format(
            java.util.Locale.ROOT,
            "accuracy %.4f on %d golden examples",
            check.accuracy(),
            check.examples());
    probes.selfCheckPassed(summary);
    LOG.info("Self-check passed: {}", summary);
  }

  /**
   * Scores {@code canary} every heartbeat; when inference stalls, answers every parked request with
   * a stuck error.
   */
  private ProgressWatchdog startWatchdog(
      Transaction canary, InferenceEngine engine, Progress progress) {
    return ProgressWatchdog.start(
        () -> engine.evaluate(canary),
        progress,
        config.heartbeatInterval(),
        probes::inferenceStuck,
        () -> {
          int answered = pool.abandonAll(ModelStuckException::new);
          engine.answeredStuck(answered);
          return answered;
        });
  }

  /** A slice of the golden set every {@code SELF_EVAL_INTERVAL_SECONDS}; a failure only warns. */
  private void scheduleSelfEvaluation(SelfEvaluator evaluator) {
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
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return http.port();
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
        "Shutdown requested: readiness 503, draining {} requests in progress for up to {} ms",
        http.inProgress(),
        drainBudget.toMillis());
    // Every answer from now on says Connection: close; requests in progress (inference included)
    // finish; then the HTTP server stops.
    DrainReport report = http.drain(drainBudget);
    boolean drained = report.drained();
    if (!drained) {
      LOG.warn("Grace period over with {} inference requests still in flight", pool.inFlight());
    }
    stopAll();
    LOG.info("Shutdown complete ({})", report);
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
    http.close();
    pool.shutdownNow();
  }
}
