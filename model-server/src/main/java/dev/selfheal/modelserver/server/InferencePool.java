package dev.selfheal.modelserver.server;

import dev.selfheal.runtime.http.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounded threads and a bounded queue for inference. The HTTP layer reads each request on its event
 * loop and only then hands it here, so a slow client never holds one of these threads, and probes
 * and {@code /metrics} never wait behind inference. When the threads and the queue are full the
 * work is refused at once ({@link RejectedExecutionException}: 503 with {@code Retry-After}).
 * Counts work in flight so shutdown can drain it.
 */
public final class InferencePool implements Executor {
  private final ThreadPoolExecutor executor;
  private final Runnable admission;
  private final Object idle = new Object();
  private int inFlight;

  /**
   * Creates the pool with {@code threads} workers and room for {@code queueCapacity} waiters.
   *
   * @param admission runs before work is queued and throws to refuse it at once (the engine's stuck
   *     check: a stuck model answers 503 {@code model_stuck}, never "overloaded")
   */
  public InferencePool(int threads, int queueCapacity, Runnable admission) {
    this.executor = Workers.bounded("inference", threads, queueCapacity);
    this.admission = admission;
  }

  /**
   * Runs {@code task} on an inference thread.
   *
   * @throws RejectedExecutionException at once when the threads and the queue are full
   * @throws RuntimeException what {@code admission} throws, e.g. when the model is stuck
   */
  @Override
  public void execute(Runnable task) {
    try {
      admission.run();
    } catch (RuntimeException refused) {
      failQueued();
      throw refused;
    }
    enter();
    try {
      executor.execute(
          () -> {
            try {
              task.run();
            } finally {
              leave();
            }
          });
    } catch (RejectedExecutionException e) {
      leave();
      throw e;
    }
  }

  /**
   * Work already queued behind parked workers would wait forever: run it here instead, where the
   * engine refuses it at once, so its clients get the same fast answer.
   */
  private void failQueued() {
    List<Runnable> queued = new ArrayList<>();
    executor.getQueue().drainTo(queued);
    queued.forEach(Runnable::run);
  }

  private void enter() {
    synchronized (idle) {
      inFlight++;
    }
  }

  private void leave() {
    synchronized (idle) {
      inFlight--;
      if (inFlight == 0) {
        idle.notifyAll();
      }
    }
  }

  /** Requests accepted but not yet answered. */
  public int inFlight() {
    synchronized (idle) {
      return inFlight;
    }
  }

  /**
   * Waits until nothing is in flight or {@code timeout} passes.
   *
   * @return true when drained
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  /** Stops the workers (stuck ones are interrupted). */
  public void shutdownNow() {
    executor.shutdownNow();
  }
}
