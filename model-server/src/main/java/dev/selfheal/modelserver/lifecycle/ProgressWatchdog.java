package dev.selfheal.modelserver.lifecycle;

import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.lifecycle.Threads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, on its own thread, that inference still makes progress: every interval it runs a canary
 * prediction through the real inference path and beats the {@link Progress} when it completes. When
 * inference is stuck the canary never returns, the progress ages and liveness fails. It runs beside
 * the request pool, so a saturated {@code /predict} never starves it.
 *
 * <p>A second thread acts on the verdict: four times an interval while inference is declared stuck
 * it runs {@code whileStuck}, which answers every request still waiting on the model, so nobody
 * waits for a model that will not return, whether or not another request arrives.
 */
public final class ProgressWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressWatchdog.class);

  private final ScheduledExecutorService scheduler;

  private ProgressWatchdog(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Starts beating {@code progress} after each successful {@code canary} run, and running {@code
   * whileStuck} four times an {@code interval} while {@code stuck} holds.
   *
   * @param whileStuck answers the requests waiting on the stuck model; returns how many
   */
  public static ProgressWatchdog start(
      Runnable canary,
      Progress progress,
      Duration interval,
      BooleanSupplier stuck,
      IntSupplier whileStuck) {
    // Two threads: the canary's parks with the model, the verdict's never touches it.
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(2, Threads.daemon("progress-watchdog"));
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            canary.run();
            progress.beat();
          } catch (RuntimeException e) {
            // A failing canary is no progress: do not beat, keep trying.
            LOG.warn("Watchdog canary failed: {}", e.toString());
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
    // The verdict is cheap to read: check it four times a period, so answers follow it closely.
    long verdictPeriod = Math.max(10, interval.toMillis() / 4);
    scheduler.scheduleWithFixedDelay(
        new Verdict(stuck, whileStuck), 0, verdictPeriod, TimeUnit.MILLISECONDS);
    return new ProgressWatchdog(scheduler);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** Acts on "stuck": answers the waiting requests, logging when the verdict changes. */
  private static final class Verdict implements Runnable {
    private final BooleanSupplier stuck;
    private final IntSupplier whileStuck;
    private boolean declared;

    Verdict(BooleanSupplier stuck, IntSupplier whileStuck) {
      this.stuck = stuck;
      this.whileStuck = whileStuck;
    }

    @Override
    public void run() {
      try {
        boolean now = stuck.getAsBoolean();
        if (now) {
          int answered = whileStuck.getAsInt();
          if (!declared || answered > 0) {
            LOG.warn(
                "Inference is stuck: answered {} waiting requests with 503 model_stuck", answered);
          }
        } else if (declared) {
          LOG.info("Inference makes progress again");
        }
        declared = now;
      } catch (RuntimeException e) {
        LOG.warn("Answering requests of a stuck model failed: {}", e.toString());
      }
    }
  }
}
