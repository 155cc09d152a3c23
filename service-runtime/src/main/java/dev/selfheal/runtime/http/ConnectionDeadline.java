package dev.selfheal.runtime.http;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one deadline of a connection ({@link ConnectionGuard}'s header, idle, body or linger
 * deadline) and what runs when it passes. It costs at most one timer task on the connection's event
 * loop, which checks the deadline when it fires.
 *
 * <p>Every method runs on the connection's event loop.
 */
final class ConnectionDeadline {
  private final long headerNanos;
  private final Supplier<ScheduledExecutorService> loop;
  private Runnable action;
  private long deadline;
  private ScheduledFuture<?> timer;
  private long timerAt;
  // Made once: a method reference is a new object each time it is evaluated.
  private final Runnable fired = this::timerFired;

  /**
   * @param headerNanos the header timeout: no timer task is scheduled further ahead than this
   * @param loop the connection's event loop (known once the connection's pipeline is set up)
   */
  ConnectionDeadline(long headerNanos, Supplier<ScheduledExecutorService> loop) {
    this.headerNanos = headerNanos;
    this.loop = loop;
  }

  /**
   * Runs {@code task} once {@code nanos} have passed, unless re-armed or cancelled first. A
   * keep-alive connection moves between deadlines on every request (idle, then header, then none),
   * so re-arming only notes the new deadline: the timer task already scheduled fires no later than
   * the header deadline would, looks at the deadline then, and schedules itself again for what is
   * left. The timer queue is touched about once per header timeout per connection, not twice per
   * request.
   */
  void arm(long nanos, Runnable task) {
    long now = System.nanoTime();
    action = task;
    deadline = now + nanos;
    if (timer != null && timerAt - deadline <= 0) {
      return;
    }
    stop();
    action = task;
    schedule(now);
  }

  /** Whether {@code task} is what runs when the deadline passes. */
  boolean armedFor(Runnable task) {
    return action == task;
  }

  /** The deadline is off; the timer task, if scheduled, finds nothing to do when it fires. */
  void cancel() {
    action = null;
  }

  /** Cancels the deadline and takes the timer task off the queue (the connection is done). */
  void stop() {
    action = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void schedule(long now) {
    // At most a header timeout ahead, so that re-arming for a header deadline never needs an
    // earlier timer.
    long at = deadline - now <= headerNanos ? deadline : now + headerNanos;
    timerAt = at;
    timer = loop.get().schedule(fired, Math.max(0, at - now), TimeUnit.NANOSECONDS);
  }

  private void timerFired() {
    timer = null;
    Runnable due = action;
    if (due == null) {
      return;
    }
    long now = System.nanoTime();
    if (deadline - now > 0) {
      schedule(now);
      return;
    }
    action = null;
    due.run();
  }
}
