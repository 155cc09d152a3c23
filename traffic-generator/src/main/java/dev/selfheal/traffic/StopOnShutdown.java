package dev.selfheal.traffic;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The generator's shutdown hook. On Ctrl-C it stops the run and gives the main thread a bounded
 * time to print the summary. After a normal end, the main thread has called {@link #finished()}
 * before {@code System.exit}, and the hook returns at once.
 *
 * <p>It must not wait for the main thread itself: that thread is blocked inside {@code System.exit}
 * until every hook has returned, so a join on it always runs to its full timeout.
 */
final class StopOnShutdown implements Runnable {

  private final Runnable stop;
  private final Duration summaryWait;
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * @param stop ends the run early (the run then prints its summary and returns)
   * @param summaryWait the longest time the hook waits for that summary
   */
  StopOnShutdown(Runnable stop, Duration summaryWait) {
    this.stop = stop;
    this.summaryWait = summaryWait;
  }

  /** Called by the main thread once the run has returned and everything is printed. */
  void finished() {
    finished.countDown();
  }

  @Override
  public void run() {
    stop.run();
    try {
      finished.await(summaryWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
