package dev.selfheal.rollback.health;

import dev.selfheal.runtime.health.Check;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Which threads of a worker pool are busy, and since when. The pool's tasks go through {@link
 * #track}, which notes the running thread and the task's start; {@link #check()} fails once one
 * thread has been busy on one task longer than the stall threshold, naming it. Idle threads are
 * alive, however long they wait. Unlike a heartbeat task, which a second free thread would still
 * run, this catches a single stuck worker of a small pool (the controller's {@code alerts-*}). Time
 * is read from a monotonic source; tests inject a {@link Clock}.
 */
public final class BusyWorkers {
  private final String name;
  private final Duration stallAfter;
  private final LongSupplier nanos;
  private final String limitText;
  private final Map<String, Long> busySince = new ConcurrentHashMap<>();

  /**
   * Creates the tracker.
   *
   * @param name the check's name, e.g. {@code alert_workers}
   * @param stallAfter how long one task may keep its thread before the check fails
   */
  public BusyWorkers(String name, Duration stallAfter) {
    this(name, stallAfter, System::nanoTime);
  }

  /** As {@link #BusyWorkers(String, Duration)}, reading time from {@code clock}. */
  BusyWorkers(String name, Duration stallAfter, Clock clock) {
    this(name, stallAfter, () -> clock.millis() * 1_000_000L);
  }

  private BusyWorkers(String name, Duration stallAfter, LongSupplier nanos) {
    this.name = Objects.requireNonNull(name, "name");
    this.stallAfter = Objects.requireNonNull(stallAfter, "stallAfter");
    if (stallAfter.toMillis() < 1) {
      throw new IllegalArgumentException("busy workers '" + name + "' need a positive threshold");
    }
    this.nanos = nanos;
    this.limitText = " ms (limit " + stallAfter.toMillis() + " ms)";
  }

  /** {@code pool}, with each task's thread and start noted while it runs. */
  public Executor track(Executor pool) {
    Objects.requireNonNull(pool, "pool");
    return task -> pool.execute(() -> run(task));
  }

  private void run(Runnable task) {
    String thread = Thread.currentThread().getName();
    busySince.put(thread, nanos.getAsLong());
    try {
      task.run();
    } finally {
      busySince.remove(thread);
    }
  }

  /** The check for liveness: fails naming the thread busy longest, once past the threshold. */
  public Check check() {
    long now = nanos.getAsLong();
    String longest = null;
    long longestNanos = -1;
    for (Map.Entry<String, Long> busy : busySince.entrySet()) {
      long age = now - busy.getValue();
      if (age > longestNanos) {
        longest = busy.getKey();
        longestNanos = age;
      }
    }
    if (longest == null) {
      return Check.passing(name, "no task running");
    }
    long ms = Math.max(0, longestNanos) / 1_000_000L;
    String seen = longest + " busy on one task for " + ms + limitText;
    return ms <= stallAfter.toMillis()
        ? Check.passing(name, seen)
        : Check.failing(name, seen + ": worker stuck");
  }
}
