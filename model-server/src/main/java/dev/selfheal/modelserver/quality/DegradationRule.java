package dev.selfheal.modelserver.quality;

/**
 * The rule behind {@code model_degraded}: degraded when accuracy is below its threshold or the
 * error rate is above its threshold. An unknown value (NaN, nothing measured yet) never degrades.
 *
 * @param accuracyThreshold {@code ACCURACY_THRESHOLD}
 * @param errorRateThreshold {@code ERROR_RATE_THRESHOLD}
 */
public record DegradationRule(double accuracyThreshold, double errorRateThreshold) {

  /** Applies the rule. NaN comparisons are false, so missing data reads as healthy. */
  public boolean degraded(double accuracy, double errorRate) {
    return accuracy < accuracyThreshold || errorRate > errorRateThreshold;
  }
}
