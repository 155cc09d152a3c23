package dev.selfheal.testsupport.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that moves only when a test says so, so time-dependent code (stall thresholds,
 * cooldowns, rollout windows) is tested without waiting. A test may also hook its next reading
 * ({@link #onNextRead}) to change the world at the exact moment the code under test asks the time.
 * The one test clock of every module.
 */
public final class MutableClock extends Clock {

  /** Where a clock made with {@link #MutableClock()} starts. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Runnable> onNextRead = new AtomicReference<>();
  private volatile Instant now;

  /** Starts at {@link #START}. */
  public MutableClock() {
    this(START);
  }

  /** Starts at {@code start}. */
  public MutableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Moves the clock forward by {@code duration}. */
  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Runs {@code hook} once, in the reader's thread, at the next reading, before it returns. */
  public void onNextRead(Runnable hook) {
    onNextRead.set(Objects.requireNonNull(hook, "hook"));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    Runnable hook = onNextRead.getAndSet(null);
    if (hook != null) {
      hook.run();
    }
    return now;
  }
}
