package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection's one deadline: one timer task at most a header timeout ahead, re-arming later
 * only notes the deadline, re-arming earlier replaces the timer, and a cancelled deadline runs
 * nothing. The timer tasks are recorded and fired by the test.
 */
class ConnectionDeadlineTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  /**
   * Records every timer task instead of running it; each future is real, so it can be cancelled.
   */
  private static final class Timers extends ScheduledThreadPoolExecutor {
    final List<Runnable> tasks = new ArrayList<>();
    final List<Long> delays = new ArrayList<>();
    final List<ScheduledFuture<?>> futures = new ArrayList<>();

    Timers() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      tasks.add(task);
      delays.add(unit.toNanos(delay));
      ScheduledFuture<?> future = super.schedule(() -> {}, 1, TimeUnit.DAYS);
      futures.add(future);
      return future;
    }

    /** Runs the last timer task scheduled, as the event loop would when it is due. */
    void fireLast() {
      tasks.get(tasks.size() - 1).run();
    }
  }

  private final Timers timers = new Timers();
  private final AtomicInteger ran = new AtomicInteger();
  private final Runnable task = ran::incrementAndGet;

  @AfterEach
  void stopTimers() {
    timers.shutdownNow();
  }

  private ConnectionDeadline deadline(long headerNanos) {
    return new ConnectionDeadline(headerNanos, () -> timers);
  }

  @Test
  void aPassedDeadlineRunsItsTaskOnce() {
    ConnectionDeadline deadline = deadline(HOUR);
    deadline.arm(0, task);
    assertThat(deadline.armedFor(task)).isTrue();
    assertThat(timers.delays).containsExactly(0L);
    timers.fireLast();
    assertThat(ran).hasValue(1);
    assertThat(deadline.armedFor(task)).isFalse();
    timers.fireLast();
    assertThat(ran).hasValue(1);
  }

  @Test
  void aDeadlineBeyondTheHeaderTimeoutIsCheckedAtTheHeaderTimeoutAndRescheduled() {
    long header = TimeUnit.SECONDS.toNanos(1);
    ConnectionDeadline deadline = deadline(header);
    deadline.arm(HOUR, task);
    assertThat(timers.delays).hasSize(1).allMatch(delay -> delay <= header);
    timers.fireLast();
    assertThat(ran).hasValue(0);
    assertThat(timers.delays).hasSize(2).allMatch(delay -> delay <= header);
    assertThat(deadline.armedFor(task)).isTrue();
  }

  @Test
  void reArmingLaterKeepsTheTimerThatFiresFirstAndLooksAgain() {
    ConnectionDeadline deadline = deadline(HOUR);
    Runnable later = () -> ran.addAndGet(10);
    deadline.arm(HOUR / 2, task);
    deadline.arm(HOUR, later);
    assertThat(timers.tasks).hasSize(1);
    assertThat(timers.futures.get(0).isCancelled()).isFalse();
    assertThat(deadline.armedFor(later)).isTrue();
    timers.fireLast();
    // The deadline is still ahead: nothing runs, the timer is scheduled again for what is left.
    assertThat(ran).hasValue(0);
    assertThat(timers.tasks).hasSize(2);
    assertThat(timers.delays.get(1)).isGreaterThan(HOUR / 2);
  }

  @Test
  void reArmingEarlierReplacesTheTimer() {
    ConnectionDeadline deadline = deadline(HOUR);
    Runnable sooner = () -> ran.addAndGet(10);
    deadline.arm(HOUR, task);
    deadline.arm(0, sooner);
    assertThat(timers.futures.get(0).isCancelled()).isTrue();
    assertThat(timers.delays).hasSize(2).endsWith(0L);
    timers.fireLast();
    assertThat(ran).hasValue(10);
  }

  @Test
  void aCancelledDeadlineRunsNothingAndStopTakesTheTimerOff() {
    ConnectionDeadline deadline = deadline(HOUR);
    deadline.arm(0, task);
    deadline.cancel();
    assertThat(deadline.armedFor(task)).isFalse();
    assertThat(timers.futures.get(0).isCancelled()).isFalse();
    timers.fireLast();
    assertThat(ran).hasValue(0);

    deadline.arm(HOUR, task);
    deadline.stop();
    assertThat(timers.futures.get(timers.futures.size() - 1).isCancelled()).isTrue();
    assertThat(deadline.armedFor(task)).isFalse();
    timers.fireLast();
    assertThat(ran).hasValue(0);
  }
}
