package dev.selfheal.recommender.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;

/**
 * A task that occupies a worker until released: with a single-thread pool, the heartbeat task can
 * then no longer run, which is how the tests make the request workers look stuck.
 */
public final class Wedge {
  private final CountDownLatch release = new CountDownLatch(1);

  private Wedge() {}

  /** Submits the blocking task to {@code workers}. */
  public static Wedge of(Executor workers) {
    Wedge wedge = new Wedge();
    workers.execute(
        () -> {
          try {
            wedge.release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return wedge;
  }

  /** Lets the blocking task finish (idempotent). */
  public void release() {
    release.countDown();
  }
}
