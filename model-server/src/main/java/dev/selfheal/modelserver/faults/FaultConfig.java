package dev.selfheal.modelserver.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Every injectable fault, as configured at start. All faults are off unless configured, except the
 * latent stall that the v2 release ships with (see {@link #defaultStallAfter(String)}).
 *
 * @param stallAfter after this long since start, inference and the progress heartbeat stop for
 *     good; {@link Duration#ZERO} means never
 * @param addedLatency extra latency added to every served prediction
 * @param errorRate fraction (0 to 1) of served predictions that fail with an injected server error,
 *     spread evenly and deterministically (0.25 fails exactly every 4th)
 * @param unreadyFile while this file exists, readiness fails
 * @param unhealthyFile while this file exists, liveness fails
 */
public record FaultConfig(
    Duration stallAfter,
    Duration addedLatency,
    double errorRate,
    Path unreadyFile,
    Path unhealthyFile) {

  /**
   * How long after start the v2 release stalls unless {@code FAULT_STALL_AFTER_SECONDS} says
   * otherwise.
   */
  public static final Duration V2_STALL_AFTER = Duration.ofSeconds(60);

  /** Validates the values; the messages name the environment variables. */
  public FaultConfig {
    Objects.requireNonNull(stallAfter, "stallAfter");
    Objects.requireNonNull(addedLatency, "addedLatency");
    Objects.requireNonNull(unreadyFile, "unreadyFile");
    Objects.requireNonNull(unhealthyFile, "unhealthyFile");
    if (stallAfter.isNegative()) {
      throw new IllegalArgumentException("FAULT_STALL_AFTER_SECONDS must be >= 0");
    }
    if (addedLatency.isNegative()) {
      throw new IllegalArgumentException("FAULT_LATENCY_MS must be >= 0");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("FAULT_ERROR_RATE must be between 0 and 1");
    }
  }

  /**
   * The release's built-in latent fault: v2.0 stalls {@link #V2_STALL_AFTER} after start, v1.0
   * never.
   */
  public static Duration defaultStallAfter(String modelVersion) {
    return "v2.0".equals(modelVersion) ? V2_STALL_AFTER : Duration.ZERO;
  }

  /** No faults, standard probe file locations. */
  public static FaultConfig none() {
    return new FaultConfig(
        Duration.ZERO, Duration.ZERO, 0, Path.of("/tmp/unready"), Path.of("/tmp/unhealthy"));
  }

  /**
   * One line for the start-up log. Written out by hand: a record's generated {@code toString} is
   * bootstrapped through method handles on first use, which costs start-up CPU.
   */
  public String describe() {
    return "stall after "
        + (stallEnabled() ? stallAfter.toMillis() + " ms" : "never")
        + ", added latency "
        + addedLatency.toMillis()
        + " ms, error rate "
        + errorRate
        + ", unready file "
        + unreadyFile
        + ", unhealthy file "
        + unhealthyFile;
  }

  /** True when a stall is scheduled. */
  public boolean stallEnabled() {
    return !stallAfter.isZero();
  }
}
