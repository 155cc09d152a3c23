package dev.selfheal.modelserver.metrics;

import dev.selfheal.modelserver.quality.QualityMonitor;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The server's metrics, registered on an injected registry. The SPEC gauges are callbacks reading
 * the {@link QualityMonitor} at scrape time, so they always show computed values, never flags.
 * Every series carries the label {@code version}; no label ever holds request data.
 */
public final class ModelMetrics {
  private static final double[] LATENCY_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final String version;
  private final CounterDataPoint requests;
  private final CounterDataPoint errors;
  private final Histogram duration;
  private final Counter feedback;

  /**
   * The {@code model_request_duration_seconds} series of each endpoint, by status - 100: looked up
   * once, not through {@code labelValues} (a map lookup with a new key list) on every request.
   */
  private final Map<String, AtomicReferenceArray<DistributionDataPoint>> durations =
      new ConcurrentHashMap<>();

  private ModelMetrics(
      String version, Counter requests, Counter errors, Histogram duration, Counter feedback) {
    this.version = version;
    this.requests = requests.labelValues(version);
    this.errors = errors.labelValues(version);
    this.duration = duration;
    this.feedback = feedback;
  }

  /**
   * Registers the model metrics on {@code registry} (JVM metrics: {@link #registerJvmMetrics}).
   *
   * @param start the server start, for {@code model_uptime_seconds}
   */
  public static ModelMetrics register(
      PrometheusRegistry registry,
      String version,
      QualityMonitor quality,
      Clock clock,
      Instant start,
      BuildInfo build) {
    registerQualityGauges(registry, version, quality, clock, start);
    Counter requests =
        counter(
            registry,
            "model_requests_total",
            "Predictions the model was asked to make (bad input excluded)",
            "version");
    Counter errors =
        counter(
            registry,
            "model_errors_total",
            "Predictions that failed on the server side (bad input excluded)",
            "version");
    Histogram duration =
        Histogram.builder()
            .name("model_request_duration_seconds")
            .help("HTTP request duration by endpoint and status")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS)
            .labelNames("version", "endpoint", "status")
            // Exemplars need a tracing span, which this server never has: no sampling per request.
            .withoutExemplars()
            .register(registry);
    Info.builder()
        .name("model_server_build_info")
        .help("Build facts of the model server")
        .labelNames("version", "app_version", "java_version")
        .register(registry)
        .addLabelValues(version, build.appVersion(), build.javaVersion());
    Counter feedback =
        counter(
            registry,
            "model_feedback_total",
            "Labels sent to /feedback by outcome (accepted or why refused)",
            "version",
            "outcome");
    for (String outcome : FEEDBACK_OUTCOMES) {
      feedback.labelValues(version, outcome);
    }
    return new ModelMetrics(version, requests, errors, duration, feedback);
  }

  /**
   * The SPEC's quality gauges and {@code model_uptime_seconds}, read from {@code quality} and
   * {@code clock} at scrape time.
   */
  private static void registerQualityGauges(
      PrometheusRegistry registry,
      String version,
      QualityMonitor quality,
      Clock clock,
      Instant start) {
    // No sample (not NaN) until a value exists: only during start-up, before the self-check.
    gauge(
        registry,
        "model_accuracy",
        "Fraction correct: recent labelled feedback when there is enough, else the golden set",
        version,
        quality::accuracy);
    gauge(
        registry,
        "model_golden_accuracy",
        "Fraction correct on the golden-set self-evaluation window",
        version,
        quality::goldenAccuracy);
    gauge(
        registry,
        "model_feedback_labels",
        "Labels from /feedback in the recent window behind model_accuracy",
        version,
        quality::labelledSamples);
    gauge(
        registry,
        "model_error_rate",
        "Fraction of recent served predictions that failed server-side",
        version,
        quality::errorRate);
    gauge(
        registry,
        "model_latency_ms",
        "Mean inference latency of recent predictions in ms",
        version,
        () -> quality.snapshot().meanLatencyMs());
    gauge(
        registry,
        "model_degraded",
        "1 when accuracy or error rate breaches its threshold",
        version,
        () -> quality.snapshot().degraded() ? 1 : 0);
    gauge(
        registry,
        "model_uptime_seconds",
        "Seconds since the server started",
        version,
        () -> Duration.between(start, clock.instant()).toMillis() / 1000.0);
  }

  private static Counter counter(
      PrometheusRegistry registry, String name, String help, String... labelNames) {
    return Counter.builder().name(name).help(help).labelNames(labelNames).register(registry);
  }

  /** The bounded values of the {@code outcome} label of {@code model_feedback_total}. */
  public static final java.util.List<String> FEEDBACK_OUTCOMES =
      java.util.List.of(
          "accepted", "disabled", "unauthorized", "invalid", "unknown_id", "repeated");

  private static void gauge(
      PrometheusRegistry registry,
      String name,
      String help,
      String version,
      java.util.function.DoubleSupplier value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("version")
        .callback(
            callback -> {
              double current = value.getAsDouble();
              // A value that does not exist yet is left out rather than exported as NaN.
              if (!Double.isNaN(current)) {
                callback.call(current, version);
              }
            })
        .register(registry);
  }

  /**
   * Registers {@code model_requests_in_flight}: inference requests accepted and not yet answered
   * (what a graceful shutdown drains).
   */
  public void registerInFlight(PrometheusRegistry registry, IntSupplier inFlight) {
    gauge(
        registry,
        "model_requests_in_flight",
        "Inference requests accepted and not yet answered",
        version,
        inFlight::getAsInt);
  }

  /**
   * Registers the JVM and process metrics. Kept out of {@link #register} because the MXBeans behind
   * them take a noticeable share of start-up CPU; the server calls this once it is ready. Native
   * memory metrics are left out: they need {@code -XX:NativeMemoryTracking}, which is off.
   */
  public static void registerJvmMetrics(PrometheusRegistry registry) {
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
  }

  /** Counts a prediction that succeeded. */
  public void predictionServed() {
    requests.inc();
  }

  /** Counts a prediction that failed on the server side. */
  public void predictionFailed() {
    requests.inc();
    errors.inc();
  }

  /**
   * Counts one {@code /feedback} decision.
   *
   * @param outcome one of {@link #FEEDBACK_OUTCOMES}
   */
  public void feedback(String outcome) {
    if (!FEEDBACK_OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("unknown feedback outcome " + outcome);
    }
    feedback.labelValues(version, outcome).inc();
  }

  /** Observes one HTTP request; {@code endpoint} is a route name, never the raw path. */
  public void observeHttp(String endpoint, int status, double seconds) {
    AtomicReferenceArray<DistributionDataPoint> byStatus = durations.get(endpoint);
    if (byStatus == null) {
      byStatus = durations.computeIfAbsent(endpoint, e -> new AtomicReferenceArray<>(500));
    }
    int index = status - 100;
    if (index < 0 || index >= byStatus.length()) {
      duration.labelValues(version, endpoint, Integer.toString(status)).observe(seconds);
      return;
    }
    DistributionDataPoint series = byStatus.get(index);
    if (series == null) {
      // Two threads may both get here: labelValues hands both the same series.
      series = duration.labelValues(version, endpoint, Integer.toString(status));
      byStatus.set(index, series);
    }
    series.observe(seconds);
  }
}
