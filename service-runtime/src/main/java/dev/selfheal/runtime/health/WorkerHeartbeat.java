package dev.selfheal.runtime.health;

import dev.selfheal.runtime.lifecycle.Threads;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Proof that a worker pool still runs tasks: a timer submits a tiny task to the pool every interval
 * and the task beats a {@link Progress}. If every worker is stuck (deadlock, runaway loop, a call
 * that never returns) or the queue stays full, the beat stops, the progress ages and liveness
 * fails, so the kubelet restarts a process that cannot recover by itself.
 */
public final class WorkerHeartbeat implements AutoCloseable {
  private final Executor workers;
  private final Duration interval;
  private final Progress progress;
  private final ScheduledExecutorService timer;

  /**
   * Creates the heartbeat; {@link #start()} begins beating.
   *
   * @param workers the pool to prove
   * @param interval how often to submit the beat task
   * @param progress what the task beats
   * @param threadName name of the timer thread
   */
  public WorkerHeartbeat(
      Executor workers, Duration interval, Progress progress, String threadName) {
    this.workers = Objects.requireNonNull(workers, "workers");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.progress = Objects.requireNonNull(progress, "progress");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("heartbeat interval must be at least 1 ms");
    }
    this.timer = Executors.newSingleThreadScheduledExecutor(Threads.single(threadName));
  }

  /** Starts beating. */
  public void start() {
    timer.scheduleAtFixedRate(this::submitBeat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void submitBeat() {
    try {
      workers.execute(progress::beat);
    } catch (RejectedExecutionException e) {
      // Pool shut down or saturated: no beat, which is exactly what the age should show.
    }
  }

  /** The progress this heartbeat beats. */
  public Progress progress() {
    return progress;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
