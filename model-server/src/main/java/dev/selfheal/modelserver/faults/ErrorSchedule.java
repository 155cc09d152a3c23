package dev.selfheal.modelserver.faults;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Spreads injected errors evenly over calls: call {@code n} fails when {@code floor(n * rate)}
 * grows, so a rate of 0.25 fails calls 4, 8, 12, ... and the observed rate is exact. Deterministic
 * by design: a test or a lab run sees the same errors every time.
 */
public final class ErrorSchedule {
  private final double rate;
  private final AtomicLong calls = new AtomicLong();

  /** Creates a schedule failing the given fraction of calls (0 to 1). */
  public ErrorSchedule(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("error rate must be between 0 and 1: " + rate);
    }
    this.rate = rate;
  }

  /** Counts one call and says whether it must fail. */
  public boolean nextFails() {
    if (rate == 0) {
      return false;
    }
    long n = calls.incrementAndGet();
    return Math.floor(n * rate) > Math.floor((n - 1) * rate);
  }
}
