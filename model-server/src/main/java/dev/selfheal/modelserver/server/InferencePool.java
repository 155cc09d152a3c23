package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.modelserver.lifecycle.Threads;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounded threads and a bounded queue for inference requests. HTTP worker threads only hand
 * exchanges over, so probes never wait behind inference; when both the threads and the queue are
 * full the request is shed at once with 503 and {@code Retry-After}. Counts requests in flight so
 * shutdown can drain them.
 */
public final class InferencePool {
  private final ThreadPoolExecutor executor;
  private final Responder responder;
  private final Runnable admission;
  private final Object idle = new Object();
  private int inFlight;

  /** Work to run on an inference thread; may throw anything, the error mapper answers. */
  @FunctionalInterface
  public interface Task {
    /** Handles the exchange completely, including the response. */
    void run(HttpExchange exchange) throws Exception;
  }

  /**
   * Creates the pool with {@code threads} workers and room for {@code queueCapacity} waiters.
   *
   * @param admission runs before a request is queued and throws to refuse it at once (the engine's
   *     stuck check: a stuck model answers 503 {@code model_stuck}, never "overloaded")
   */
  public InferencePool(int threads, int queueCapacity, Responder responder, Runnable admission) {
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            queue,
            Threads.daemon("inference"),
            new ThreadPoolExecutor.AbortPolicy());
    this.responder = responder;
    this.admission = admission;
  }

  /** Runs {@code task} on an inference thread, or answers 503 at once when saturated. */
  public void submit(HttpExchange exchange, Task task) {
    try {
      admission.run();
    } catch (RuntimeException refused) {
      failQueued();
      responder.fail(exchange, refused);
      return;
    }
    enter();
    try {
      executor.execute(() -> runTask(exchange, task));
    } catch (RejectedExecutionException e) {
      leave();
      responder.fail(exchange, e);
    }
  }

  /**
   * Requests already queued behind parked workers would wait forever: run them here instead, where
   * the engine refuses them at once, so their clients get the same fast answer.
   */
  private void failQueued() {
    java.util.List<Runnable> queued = new java.util.ArrayList<>();
    executor.getQueue().drainTo(queued);
    queued.forEach(Runnable::run);
  }

  private void runTask(HttpExchange exchange, Task task) {
    try {
      task.run(exchange);
    } catch (Exception e) {
      responder.fail(exchange, e);
    } finally {
      leave();
    }
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
