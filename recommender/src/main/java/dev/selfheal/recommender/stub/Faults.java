package dev.selfheal.recommender.stub;

/**
 * The stub's fault switches.
 *
 * @param latencyMs added to every profile answer ({@code PROFILE_LATENCY_MS})
 * @param errorRate share of profile requests answered with HTTP 500 ({@code PROFILE_ERROR_RATE},
 *     0..1)
 * @param outage when true every profile request gets HTTP 503 ({@code PROFILE_OUTAGE})
 */
public record Faults(long latencyMs, double errorRate, boolean outage) {

  /** Validates ranges, naming the JSON field. */
  public Faults {
    if (latencyMs < 0 || latencyMs > 600_000) {
      throw new IllegalArgumentException("latencyMs must be in [0, 600000], got " + latencyMs);
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate must be in [0, 1], got " + errorRate);
    }
  }

  /** No faults. */
  public static Faults none() {
    return new Faults(0, 0, false);
  }
}
