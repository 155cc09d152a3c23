package dev.selfheal.modelserver.lifecycle;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named thread factories, so thread dumps say which pool is stuck. */
public final class Threads {
  private Threads() {}

  /** Daemon threads named {@code prefix-N}. */
  public static ThreadFactory daemon(String prefix) {
    return factory(prefix, true);
  }

  /** Non-daemon threads named {@code prefix-N}. */
  public static ThreadFactory named(String prefix) {
    return factory(prefix, false);
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
