package dev.selfheal.modelserver.quality;

/**
 * Model quality at one moment.
 *
 * @param accuracy fraction correct in the labeled window, NaN before any label
 * @param labeledSamples outcomes in the labeled window
 * @param errorRate fraction of recent served predictions that failed server-side, NaN before any
 * @param meanLatencyMs mean inference latency of recent served predictions
 * @param degraded the {@link DegradationRule} verdict
 */
public record QualitySnapshot(
    double accuracy,
    int labeledSamples,
    double errorRate,
    double meanLatencyMs,
    boolean degraded) {}
