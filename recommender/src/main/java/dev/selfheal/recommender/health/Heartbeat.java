package dev.selfheal.recommender.health;

import dev.selfheal.runtime.lifecycle.Threads;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Proof that the request workers still make progress: a timer submits a tiny task to the worker
 * pool every interval and the task records the time it ran. If every worker is stuck (deadlock, a
 * runaway loop, an exhausted pool) the beat stops, its age grows and /health turns 503, so the
 * kubelet restarts a process that cannot recover by itself. Nothing here looks at Redis or the
 * profile API: their failures are not cured by a restart.
 */
public final class Heartbeat implements AutoCloseable {

  private final Executor workers;
  private final Duration interval;
  private final Duration stallThreshold;
  private final ScheduledExecutorService timer;
  private volatile long lastBeatNanos = System.nanoTime();

  /**
   * @param workers the pool that serves requests
   * @param interval how often to beat
   * @param stallThreshold age after which the process counts as stuck
   * @param registry where the age gauge goes
   */
  public Heartbeat(
      Executor workers, Duration interval, Duration stallThreshold, PrometheusRegistry registry) {
    this.workers = workers;
    this.interval = interval;
    this.stallThreshold = stallThreshold;
    this.timer = Executors.newSingleThreadScheduledExecutor(Threads.single("heartbeat"));
    GaugeWithCallback.builder()
        .name("recommender_worker_heartbeat_age_seconds")
        .help("Seconds since a request worker last ran the heartbeat task")
        .callback(cb -> cb.call(age().toMillis() / 1000.0))
        .register(registry);
  }

  /** Starts beating. */
  public void start() {
    timer.scheduleAtFixedRate(this::submitBeat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void submitBeat() {
    try {
      workers.execute(() -> lastBeatNanos = System.nanoTime());
    } catch (RejectedExecutionException e) {
      // Pool shut down or saturated: no beat, which is exactly what the age should show.
    }
  }

  /** Time since the last beat. */
  public Duration age() {
    return Duration.ofNanos(System.nanoTime() - lastBeatNanos);
  }

  /** Whether the workers beat recently enough. */
  public boolean isHealthy() {
    return age().compareTo(stallThreshold) < 0;
  }

  /** The configured threshold. */
  public Duration stallThreshold() {
    return stallThreshold;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
