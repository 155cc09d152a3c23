package dev.selfheal.modelserver.lifecycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, on its own thread, that inference still makes progress: every interval it runs a canary
 * prediction through the real inference path and ticks the {@link Heartbeat} when it completes.
 * When inference is stuck the canary never returns, the heartbeat ages and liveness fails. It runs
 * beside the request pool, so a saturated {@code /predict} never starves it.
 */
public final class ProgressWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressWatchdog.class);

  private final ScheduledExecutorService scheduler;

  private ProgressWatchdog(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** Starts ticking {@code heartbeat} after each successful {@code canary} run. */
  public static ProgressWatchdog start(Runnable canary, Heartbeat heartbeat, Duration interval) {
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("progress-watchdog"));
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            canary.run();
            heartbeat.tick();
          } catch (RuntimeException e) {
            // A failing canary is no progress: do not tick, keep trying.
            LOG.warn("Watchdog canary failed: {}", e.toString());
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return new ProgressWatchdog(scheduler);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
