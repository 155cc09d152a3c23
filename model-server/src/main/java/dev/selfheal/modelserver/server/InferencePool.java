package dev.selfheal.modelserver.server;

import dev.selfheal.runtime.http.RequestTask;
import dev.selfheal.runtime.http.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Bounded threads and a bounded queue for inference. The HTTP layer reads each request on its event
 * loop and only then hands it here, so a slow client never holds one of these threads, and probes
 * and {@code /metrics} never wait behind inference. When the threads and the queue are full the
 * work is refused at once ({@link RejectedExecutionException}: 503 with {@code Retry-After}).
 *
 * <p>Every accepted request is tracked until it is answered, so shutdown can drain them and {@link
 * #abandonAll} can answer the ones a stuck model will never finish, queued or running.
 */
public final class InferencePool implements Executor {
  private final ThreadPoolExecutor executor;
  private final Runnable admission;
  private final Set<Tracked> pending = ConcurrentHashMap.newKeySet();
  private final Object idle = new Object();

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
    admission.run();
    Tracked tracked = new Tracked(task);
    pending.add(tracked);
    try {
      executor.execute(tracked);
    } catch (RejectedExecutionException e) {
      tracked.settle();
      throw e;
    }
  }

  /**
   * Answers every request still waiting here, queued or parked on a worker, with the error {@code
   * cause} makes (the workers themselves are left where they are). Safe from any thread but the
   * workers'; the answers are written on the connections' event loops.
   *
   * @return how many requests were answered
   */
  public int abandonAll(Supplier<? extends RuntimeException> cause) {
    List<Runnable> queued = new ArrayList<>();
    executor.getQueue().drainTo(queued);
    int answered = 0;
    for (Tracked tracked : List.copyOf(pending)) {
      if (tracked.abandon(cause)) {
        answered++;
      }
    }
    // Plain work (not a request) that was queued runs here instead, where admission refuses it.
    for (Runnable task : queued) {
      task.run();
    }
    return answered;
  }

  /** Requests accepted but not yet answered. */
  public int inFlight() {
    return pending.size();
  }

  /**
   * Waits until nothing is in flight or {@code timeout} passes.
   *
   * @return true when drained
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (!pending.isEmpty()) {
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

  /** One accepted request: answered once, by its worker or by {@link #abandonAll}. */
  private final class Tracked implements Runnable {
    private final Runnable task;
    private final AtomicBoolean settled = new AtomicBoolean();

    Tracked(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      if (settled.get()) {
        return;
      }
      try {
        if (!(task instanceof RequestTask)) {
          admission.run();
        }
        task.run();
      } finally {
        settle();
      }
    }

    /** Answers with {@code cause} unless answered already; true when this call answered. */
    boolean abandon(Supplier<? extends RuntimeException> cause) {
      if (!(task instanceof RequestTask request) || !settle()) {
        return false;
      }
      request.abandon(cause.get());
      return true;
    }

    boolean settle() {
      if (!settled.compareAndSet(false, true)) {
        return false;
      }
      pending.remove(this);
      synchronized (idle) {
        if (pending.isEmpty()) {
          idle.notifyAll();
        }
      }
      return true;
    }
  }
}
