package dev.selfheal.recommender.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.runtime.health.Check;
import dev.selfheal.runtime.health.Probe;
import dev.selfheal.runtime.health.Progress;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * The recommender's three probes, declared on the shared {@code runtime.health} model and served by
 * its {@code ProbeHandler}.
 *
 * <ul>
 *   <li>{@code /health} (liveness) checks only what a restart can fix: that the request workers
 *       still run the heartbeat task. Redis and the profile API are deliberately absent: restarting
 *       every pod because a dependency is down turns a partial outage into a full one and a crash
 *       loop.
 *   <li>{@code /ready} (readiness) fails while the embeddings are not in memory and while draining
 *       after SIGTERM. The profile API's state is reported but does not count: it is shared by
 *       every replica, so failing readiness on it would empty the Service's endpoints at once,
 *       while a degraded (popular) answer is still an answer. Redis is not consulted either: after
 *       start-up every answer comes from memory.
 *   <li>{@code /startup} (startupProbe) passes once the embeddings are in memory, so the slow
 *       warm-up is budgeted there, not in liveness delays.
 * </ul>
 */
public final class Probes {
  private Probes() {}

  /** Dependencies liveness leaves out on purpose, and why; shown in the body for learners. */
  static final Map<String, String> NOT_CHECKED =
      Map.of(
          "redis", "only needed at start-up; a restart would not bring it back",
          "profile-api", "shared external dependency; handled by the circuit breaker");

  private static final Dependency REDIS =
      new Dependency(
          null, false, "read once at start-up; answers are served from memory afterwards");

  /**
   * The {@code workers} entry of {@code /health}.
   *
   * @param ok whether the workers beat recently
   * @param heartbeatAgeSeconds time since the last beat
   * @param thresholdSeconds age at which the process counts as stuck
   */
  public record WorkerCheck(boolean ok, double heartbeatAgeSeconds, long thresholdSeconds) {}

  /**
   * An entry of {@code /ready} that gates readiness.
   *
   * @param ok whether this check passes
   * @param detail what it saw
   */
  public record Gate(boolean ok, Object detail) {}

  /**
   * An entry of {@code /ready} that is reported but never gates readiness.
   *
   * @param circuit breaker state in front of the profile API (absent for Redis)
   * @param affectsReadiness always false, stated for learners
   * @param note why
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Dependency(String circuit, boolean affectsReadiness, String note) {}

  /**
   * The request workers' progress clock, with its age exported as {@code
   * recommender_worker_heartbeat_age_seconds}; a {@code WorkerHeartbeat} beats it.
   *
   * @param stallThreshold age at which the process counts as stuck
   * @param registry where the age gauge goes
   */
  public static Progress workerProgress(Duration stallThreshold, PrometheusRegistry registry) {
    Progress progress =
        Progress.builder("workers")
            .stallAfter(stallThreshold)
            .stalledMeans("request workers stuck")
            .build();
    GaugeWithCallback.builder()
        .name("recommender_worker_heartbeat_age_seconds")
        .help("Seconds since a request worker last ran the heartbeat task")
        .callback(cb -> cb.call(progress.age().toMillis() / 1000.0))
        .register(registry);
    return progress;
  }

  /**
   * Whether the workers beat recently enough. The recommender passes while the age is strictly
   * below the threshold (the runtime's {@link Progress#check()} still passes at the threshold), so
   * the edge is kept here.
   */
  public static boolean workersHealthy(Progress progress) {
    return beforeThreshold(progress.age(), progress.stallAfter());
  }

  /**
   * Whether {@code age} is strictly below {@code threshold}: at the threshold the workers stall.
   */
  static boolean beforeThreshold(Duration age, Duration threshold) {
    return age.compareTo(threshold) < 0;
  }

  /** {@code /health}: status {@code ok}/{@code stalled}, {@code workers} and {@code notChecked}. */
  public static Probe liveness(Progress progress) {
    long thresholdMs = progress.stallAfter().toMillis();
    return Probe.builder("ok", "stalled")
        .field("notChecked", NOT_CHECKED)
        .check(
            "workers",
            () -> {
              String seen = "last heartbeat " + progress.age().toMillis() + " ms ago";
              return Check.of(
                  "workers",
                  workersHealthy(progress),
                  seen + " (stalls at " + thresholdMs + " ms)",
                  seen + ": request workers stuck (stalls at " + thresholdMs + " ms)");
            })
        .detail(
            "workers",
            report ->
                new WorkerCheck(
                    report.passed("workers"),
                    progress.age().toMillis() / 1000.0,
                    progress.stallAfter().toSeconds()))
        .build();
  }

  /**
   * {@code /ready}: status {@code ready}/{@code not_ready}, the gates {@code embeddings} and {@code
   * draining}, and the dependencies {@code profileApi} and {@code redis}, which never gate.
   */
  public static Probe readiness(WarmUp warmUp, Lifecycle lifecycle, ProfileLookup profiles) {
    return Probe.builder("ready", "not_ready")
        .field("redis", REDIS)
        .check("embeddings", () -> embeddings(warmUp))
        .check(
            "accepting_traffic",
            () ->
                Check.of("accepting_traffic", !lifecycle.isDraining(), "serving", "shutting down"))
        .detail("embeddings", report -> new Gate(report.passed("embeddings"), warmUp.status()))
        .detail(
            "draining",
            report -> {
              boolean serving = report.passed("accepting_traffic");
              return new Gate(serving, serving ? "serving" : "shutting down");
            })
        .detail("profileApi", report -> profileApi(profiles))
        .build();
  }

  /** {@code /startup}: status {@code started}/{@code starting} and the warm-up's progress. */
  public static Probe startup(WarmUp warmUp) {
    return Probe.builder("started", "starting")
        .check("embeddings", () -> embeddings(warmUp))
        .detail("embeddings", report -> warmUp.status())
        .build();
  }

  private static Check embeddings(WarmUp warmUp) {
    return Check.of(
        "embeddings",
        warmUp.isLoaded(),
        "embeddings in memory",
        "embeddings not loaded: " + warmUp.status().phase());
  }

  private static Dependency profileApi(ProfileLookup profiles) {
    CircuitBreaker.State state = profiles.breaker().getState();
    return new Dependency(
        ProfileLookup.label(state),
        false,
        state == CircuitBreaker.State.CLOSED
            ? "answers are personalised"
            : "answers fall back to popular items (degraded: true)");
  }
}
