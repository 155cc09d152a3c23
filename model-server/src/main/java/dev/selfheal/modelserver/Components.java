package dev.selfheal.modelserver;

import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.faults.FaultInjector;
import dev.selfheal.modelserver.faults.ProbeFiles;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.metrics.BuildInfo;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.quality.DegradationRule;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.modelserver.server.InferencePool;
import dev.selfheal.runtime.health.Progress;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * Everything the model server is made of but its HTTP server, built from one {@link ServerConfig}
 * and wired to each other here, so {@link ModelServer} only serves them and runs the start-up
 * (load, self-check, ready). The engine holds no model yet.
 */
record Components(
    QualityMonitor quality,
    ModelMetrics metrics,
    Progress progress,
    Lifecycle lifecycle,
    Probes probes,
    FaultInjector faults,
    FeedbackGate feedback,
    InferenceEngine engine,
    InferencePool pool) {

  /** Builds the components; the metrics (in-flight requests included) go into {@code registry}. */
  static Components build(ServerConfig config, PrometheusRegistry registry, Clock clock) {
    Instant start = clock.instant();
    QualityMonitor quality =
        new QualityMonitor(
            config.accuracyWindowSize(),
            config.errorWindowSize(),
            new DegradationRule(config.accuracyThreshold(), config.errorRateThreshold()),
            config.labels(),
            clock);
    ModelMetrics metrics =
        ModelMetrics.register(
            registry, config.modelVersion(), quality, clock, start, BuildInfo.current());
    Progress progress =
        Progress.builder("progress")
            .stallAfter(config.livenessTimeout())
            .stalledMeans("inference is stuck")
            .clock(clock)
            .build();
    Lifecycle lifecycle = new Lifecycle();
    ProbeFiles files =
        new ProbeFiles(config.faults().unreadyFile(), config.faults().unhealthyFile());
    Probes probes = new Probes(lifecycle, progress, files);
    FaultInjector faults = new FaultInjector(config.faults(), clock, start);
    PredictionLedger ledger =
        new PredictionLedger(config.feedbackCapacity(), config.feedbackMaxAge(), clock);
    FeedbackGate feedback = new FeedbackGate(config.feedbackToken(), ledger, quality, metrics);
    InferenceEngine engine =
        new InferenceEngine(
            faults,
            quality,
            metrics,
            progress,
            ledger,
            probes::inferenceStuck,
            config.feedbackIdsPerRequest());
    InferencePool pool =
        new InferencePool(
            config.predictThreads(), config.predictQueueCapacity(), engine::requireProgress);
    metrics.registerInFlight(registry, pool::inFlight);
    return new Components(
        quality, metrics, progress, lifecycle, probes, faults, feedback, engine, pool);
  }
}
