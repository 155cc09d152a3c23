package dev.selfheal.modelserver.quality;

/**
 * Model quality at one moment.
 *
 * @param accuracy the figure behind {@code model_accuracy}, NaN before any label
 * @param source where {@code accuracy} comes from
 * @param goldenAccuracy fraction correct in the golden-set window, NaN before the self-check
 * @param labeledSamples labels in the feedback window
 * @param errorRate fraction of recent served predictions that failed server-side
 * @param meanLatencyMs mean inference latency of recent served predictions
 * @param degraded the {@link DegradationRule} verdict
 */
public record QualitySnapshot(
    double accuracy,
    Source source,
    double goldenAccuracy,
    int labeledSamples,
    double errorRate,
    double meanLatencyMs,
    boolean degraded) {

  /** Which labels decide {@code model_accuracy}. */
  public enum Source {
    /** Enough recent labelled traffic. */
    FEEDBACK,
    /** Too few recent labels: the golden-set self-evaluation. */
    GOLDEN_SET
  }
}
