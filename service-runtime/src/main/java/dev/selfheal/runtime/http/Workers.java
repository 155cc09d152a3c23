package dev.selfheal.runtime.http;

import dev.selfheal.runtime.lifecycle.Threads;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The bounded executor a route names for work that may block (inference, API-server calls, profile
 * lookups): a fixed number of daemon threads and a bounded queue. When both are full it refuses at
 * once ({@link java.util.concurrent.RejectedExecutionException}), which the shared {@link
 * ErrorMapper} answers with 503 {@code overloaded} and {@code Retry-After}: nothing queues without
 * bound.
 */
public final class Workers {
  private Workers() {}

  /**
   * A bounded executor.
   *
   * @param name thread name prefix ({@code name-1}, {@code name-2}, ...)
   * @param threads worker threads
   * @param queueCapacity tasks that may wait; 0 hands work only to an idle thread
   */
  public static ThreadPoolExecutor bounded(String name, int threads, int queueCapacity) {
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        queue,
        Threads.daemon(name),
        new ThreadPoolExecutor.AbortPolicy());
  }
}
