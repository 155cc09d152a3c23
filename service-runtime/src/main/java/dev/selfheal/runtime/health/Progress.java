package dev.selfheal.runtime.health;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * "Has this worker made progress within N seconds?": the worker calls {@link #beat()} whenever it
 * completes a unit of work, and liveness asks {@link #check()}, which fails once the last beat is
 * older than the stall threshold. A worker that is not supposed to run (a watch that runs only
 * while leading) calls {@link #idle()}; its check then passes until the next beat starts the clock
 * again. Time is read from a monotonic source by default, so a wall-clock jump never fails a probe;
 * tests inject a {@link Clock}.
 */
public final class Progress {
  private final String name;
  private final Duration stallAfter;
  private final String stalledMeans;
  private final LongSupplier nanos;
  private final String limitText;
  private volatile long lastBeatNanos;
  private volatile boolean idle;

  private Progress(Builder builder) {
    this.name = builder.name;
    this.stallAfter = builder.stallAfter;
    this.stalledMeans = builder.stalledMeans;
    this.nanos = builder.nanos;
    // Made once: liveness is asked many times a second.
    this.limitText = " ms ago (limit " + stallAfter.toMillis() + " ms)";
    this.lastBeatNanos = nanos.getAsLong();
  }

  /** A builder for the check named {@code name}; the progress starts as if it beat now. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Records progress now (and ends an {@link #idle()} spell). */
  public void beat() {
    lastBeatNanos = nanos.getAsLong();
    idle = false;
  }

  /** No progress is expected until the next {@link #beat()}: the check passes meanwhile. */
  public void idle() {
    idle = true;
  }

  /** Time since the last beat (never negative). */
  public Duration age() {
    return Duration.ofNanos(Math.max(0, nanos.getAsLong() - lastBeatNanos));
  }

  /** Whether the worker is expected to beat and its last beat is older than the threshold. */
  public boolean stalled() {
    return !idle && age().compareTo(stallAfter) > 0;
  }

  /** The age past which the worker counts as stalled. */
  public Duration stallAfter() {
    return stallAfter;
  }

  /** The check for a probe, e.g. {@code last progress 120 ms ago (limit 5000 ms)}. */
  public Check check() {
    if (idle) {
      return Check.passing(name, "idle: no progress expected");
    }
    long ageMs = age().toMillis();
    return ageMs <= stallAfter.toMillis()
        ? Check.passing(name, "last progress " + ageMs + limitText)
        : Check.failing(name, "last progress " + ageMs + limitText + ": " + stalledMeans);
  }

  /** Settings of a {@link Progress}; {@link #stallAfter(Duration)} is required. */
  public static final class Builder {
    private final String name;
    private Duration stallAfter;
    private String stalledMeans = "stalled";
    private LongSupplier nanos = System::nanoTime;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Age of the last beat past which the check fails. */
    public Builder stallAfter(Duration stallAfter) {
      this.stallAfter = stallAfter;
      return this;
    }

    /** What a stall means, appended to the failing reason (default {@code stalled}). */
    public Builder stalledMeans(String stalledMeans) {
      this.stalledMeans = Objects.requireNonNull(stalledMeans, "stalledMeans");
      return this;
    }

    /** Reads time from {@code clock} instead of the monotonic {@link System#nanoTime()}. */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      this.nanos = () -> clock.millis() * 1_000_000L;
      return this;
    }

    /**
     * Builds the progress.
     *
     * @throws IllegalArgumentException when the stall threshold is missing or not positive
     */
    public Progress build() {
      if (stallAfter == null || stallAfter.isNegative() || stallAfter.isZero()) {
        throw new IllegalArgumentException(
            "progress '" + name + "' needs a positive stall threshold, got " + stallAfter);
      }
      return new Progress(this);
    }
  }
}
