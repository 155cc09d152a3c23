package dev.selfheal.runtime.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the services make threads: every thread has a name, so a thread dump says which
 * pool or task is stuck, and every background thread is a daemon, so it never holds the JVM open
 * after the graceful stop has run.
 */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... for a pool. */
  public static ThreadFactory daemon(String prefix) {
    return factory(prefix, true);
  }

  /** Non-daemon threads named {@code prefix-1}, {@code prefix-2}, ... for a pool. */
  public static ThreadFactory named(String prefix) {
    return factory(prefix, false);
  }

  /**
   * Daemon threads named exactly {@code name}, for a single-thread executor (its one thread keeps
   * the name a person knows from the logs, without a number).
   */
  public static ThreadFactory single(String name) {
    return runnable -> daemonThread(name, runnable);
  }

  /** A daemon thread named {@code name} that runs {@code task}; not started. */
  public static Thread daemonThread(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static ThreadFactory factory(String prefix, boolean daemon) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(daemon);
      return thread;
    };
  }
}
