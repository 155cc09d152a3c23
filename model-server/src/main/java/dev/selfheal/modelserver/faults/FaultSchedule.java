package dev.selfheal.modelserver.faults;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Decides, from an injected clock, whether the latent stall has tripped. Pure: no blocking, no
 * threads, so it can be tested by moving a clock.
 */
public final class FaultSchedule {
  private final Clock clock;
  private final Instant stallAt;

  /**
   * Creates the schedule.
   *
   * @param stallAfter delay after {@code start}; zero disables the stall
   */
  public FaultSchedule(Clock clock, Instant start, Duration stallAfter) {
    this.clock = clock;
    this.stallAt = stallAfter.isZero() ? null : start.plus(stallAfter);
  }

  /** True once the stall time has been reached. */
  public boolean stalled() {
    return stallAt != null && !clock.instant().isBefore(stallAt);
  }

  /** Time left before the stall, zero once stalled, or null when no stall is scheduled. */
  public Duration untilStall() {
    if (stallAt == null) {
      return null;
    }
    Duration left = Duration.between(clock.instant(), stallAt);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
