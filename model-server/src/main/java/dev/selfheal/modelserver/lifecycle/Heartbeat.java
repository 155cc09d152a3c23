package dev.selfheal.modelserver.lifecycle;

import java.time.Clock;
import java.time.Duration;

/**
 * When the process last made progress: ticked by every completed inference and by the {@link
 * ProgressWatchdog}'s canary. Liveness reads its age; it never checks dependencies.
 */
public final class Heartbeat {
  private final Clock clock;
  private volatile long lastMillis;

  /** Starts the heartbeat as if progress happened now. */
  public Heartbeat(Clock clock) {
    this.clock = clock;
    this.lastMillis = clock.millis();
  }

  /** Records progress now. */
  public void tick() {
    lastMillis = clock.millis();
  }

  /** Time since the last recorded progress. */
  public Duration sinceLastProgress() {
    return Duration.ofMillis(millisSinceLastProgress());
  }

  /** Milliseconds since the last recorded progress. */
  public long millisSinceLastProgress() {
    return Math.max(0, clock.millis() - lastMillis);
  }
}
