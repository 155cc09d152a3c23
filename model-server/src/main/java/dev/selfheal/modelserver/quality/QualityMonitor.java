package dev.selfheal.modelserver.quality;

/**
 * Tracks how well the model is doing from real outcomes: labeled outcomes (from {@code POST
 * /feedback} and the golden-set self-evaluation) for accuracy, served predictions for the error
 * rate and latency. Client mistakes (bad input) never reach it: only predictions the model was
 * asked to make count.
 */
public final class QualityMonitor {
  private final OutcomeWindow correct;
  private final OutcomeWindow failed;
  private final LatencyWindow latency;
  private final DegradationRule rule;

  /** Creates a monitor with the given window sizes and rule. */
  public QualityMonitor(int accuracyWindowSize, int errorWindowSize, DegradationRule rule) {
    this.correct = new OutcomeWindow(accuracyWindowSize);
    this.failed = new OutcomeWindow(errorWindowSize);
    this.latency = new LatencyWindow(errorWindowSize);
    this.rule = rule;
  }

  /** Records whether a prediction matched its true label. */
  public void recordLabeled(boolean wasCorrect) {
    correct.add(wasCorrect);
  }

  /** Records a successfully served prediction and its inference latency. */
  public void recordSuccess(double latencyMs) {
    failed.add(false);
    latency.add(latencyMs);
  }

  /** Records a prediction that failed on the server side. */
  public void recordFailure() {
    failed.add(true);
  }

  /** Current accuracy, NaN before any labeled outcome. */
  public double accuracy() {
    return correct.ratio();
  }

  /** Current error rate, 0 before any served prediction. */
  public double errorRate() {
    double rate = failed.ratio();
    return Double.isNaN(rate) ? 0 : rate;
  }

  /** Everything at once, with the degradation verdict. */
  public QualitySnapshot snapshot() {
    double accuracy = accuracy();
    double errorRate = errorRate();
    return new QualitySnapshot(
        accuracy, correct.size(), errorRate, latency.mean(), rule.degraded(accuracy, errorRate));
  }
}
