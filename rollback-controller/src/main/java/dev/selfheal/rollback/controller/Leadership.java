package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.runtime.lifecycle.Threads;
import dev.selfheal.runtime.log.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance acts. Holding the Lease is not enough: before its first decision as leader
 * the memory of earlier rollbacks is rebuilt from the cluster (retried with backoff while the API
 * server cannot be read), and only then does {@link #leading()} become true. Each election starts a
 * new term, so a decision taken in one term is never acted on in a later one ({@link
 * #stillLeading}).
 */
final class Leadership implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
  private static final Duration FIRST_RESTORE_DELAY = Duration.ofSeconds(1);
  private static final Duration MAX_RESTORE_DELAY = Duration.ofSeconds(30);

  private final ClusterReader reader;
  private final Set<String> namespaces;
  private final MemoryStore memory;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService restorer;
  private final AtomicLong term = new AtomicLong();
  private volatile boolean elected;
  private volatile boolean restored;
  private volatile String notReady = "not the leader";

  Leadership(
      ClusterReader reader,
      Set<String> namespaces,
      MemoryStore memory,
      ControllerMetrics metrics,
      Clock clock) {
    this.reader = Objects.requireNonNull(reader);
    this.namespaces = Set.copyOf(namespaces);
    this.memory = Objects.requireNonNull(memory);
    this.metrics = Objects.requireNonNull(metrics);
    this.clock = Objects.requireNonNull(clock);
    this.restorer = Executors.newSingleThreadScheduledExecutor(Threads.single("memory-restore"));
  }

  /** Whether this instance acts: it holds the Lease and has restored its memory. */
  boolean leading() {
    return elected && restored;
  }

  /** The current term; pass it to {@link #stillLeading} before acting. */
  long term() {
    return term.get();
  }

  /** Whether this instance still leads in the term a decision was taken in. */
  boolean stillLeading(long decidedIn) {
    return leading() && term.get() == decidedIn;
  }

  /** Why this instance does not act, or null when it does. */
  String notReadyReason() {
    return leading() ? null : notReady;
  }

  /**
   * Starts or stops acting; starting first restores the memory of earlier rollbacks.
   *
   * @param leading new state
   */
  void set(boolean leading) {
    long current = term.incrementAndGet();
    restored = false;
    elected = leading;
    metrics.leader(false);
    if (leading) {
      notReady = "restoring rollback memory from the cluster";
      try {
        restorer.execute(() -> restore(current, 0));
      } catch (RejectedExecutionException e) {
        // Closed while the election still reported a late start: stay not leading.
        elected = false;
      }
    } else {
      notReady = "not the leader";
    }
  }

  private void restore(long myTerm, int attempt) {
    if (myTerm != term.get() || !elected) {
      return;
    }
    try {
      ClusterReader.History history =
          reader.history(namespaces, RollbackExecutor.COMPONENT, RollbackExecutor.EVENT_REASON);
      int recent = memory.restore(history, clock.instant());
      if (myTerm != term.get()) {
        return;
      }
      restored = true;
      notReady = null;
      metrics.leader(true);
      LOG.info(
          "Leading: rollback memory restored ({} rollbacks in the last hour); acting on triggers",
          recent);
    } catch (RuntimeException e) {
      long delay =
          Math.min(
              FIRST_RESTORE_DELAY.toMillis() << Math.min(attempt, 10),
              MAX_RESTORE_DELAY.toMillis());
      notReady = "cannot read rollback history from the API server: " + LogSafe.clean(reason(e));
      metrics.failure("read_failed");
      // One line per attempt, no stack trace: an unreachable API server is an expected condition.
      LOG.warn(
          "Cannot restore rollback memory (attempt {}): {}; retrying in {} ms",
          attempt + 1,
          LogSafe.clean(reason(e)),
          delay);
      try {
        restorer.schedule(() -> restore(myTerm, attempt + 1), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // Shutting down.
      }
    }
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage();
    return root == e ? message : e.getMessage() + " (" + root.getClass().getSimpleName() + ")";
  }

  /** Stops the memory-restore thread. */
  @Override
  public void close() {
    restorer.shutdownNow();
  }
}
