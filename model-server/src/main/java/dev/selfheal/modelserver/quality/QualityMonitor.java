package dev.selfheal.modelserver.quality;

import java.time.Clock;
import java.time.Duration;

/**
 * Tracks how well the model is doing from real outcomes, keeping the two sources of labels apart:
 *
 * <ul>
 *   <li>labelled traffic ({@code POST /feedback}) in a {@link LabelWindow}: the last {@code
 *       FEEDBACK_WINDOW_SIZE} labels no older than {@code FEEDBACK_WINDOW_SECONDS};
 *   <li>the golden-set self-evaluation in its own window of {@code ACCURACY_WINDOW_SIZE} outcomes.
 * </ul>
 *
 * <p>{@link #accuracy()} (the {@code model_accuracy} gauge) follows labelled traffic once the label
 * window holds at least {@code FEEDBACK_MIN_LABELS}; with fewer it falls back to the golden set, so
 * the figure means something without traffic and real drift in traffic is never diluted by golden
 * examples. Served predictions feed the error rate and latency. Client mistakes never reach it.
 */
public final class QualityMonitor {
  private final OutcomeWindow golden;
  private final LabelWindow labelled;
  private final int minLabels;
  private final OutcomeWindow failed;
  private final LatencyWindow latency;
  private final DegradationRule rule;

  /**
   * How labelled traffic is weighed.
   *
   * @param windowSize most labels kept ({@code FEEDBACK_WINDOW_SIZE})
   * @param maxAge labels older than this are dropped ({@code FEEDBACK_WINDOW_SECONDS})
   * @param minLabels labels needed before they, not the golden set, decide {@code model_accuracy}
   *     ({@code FEEDBACK_MIN_LABELS})
   */
  public record LabelPolicy(int windowSize, Duration maxAge, int minLabels) {
    /**
     * The server's defaults: 1000 labels, 10 minutes, at least 300. v1's true accuracy on traffic
     * is about 0.93, close to the 0.90 threshold: with fewer labels chance alone would cross it
     * (the standard error is 0.025 at 100 labels, 0.015 at 300, 0.008 at 1000) and roll back a
     * healthy release.
     */
    public static final LabelPolicy DEFAULT = new LabelPolicy(1000, Duration.ofMinutes(10), 300);

    /** Checks the settings; the message names the environment variables. */
    public LabelPolicy {
      if (minLabels < 1 || minLabels > windowSize) {
        throw new IllegalArgumentException(
            "FEEDBACK_MIN_LABELS must be between 1 and FEEDBACK_WINDOW_SIZE ("
                + windowSize
                + "), got "
                + minLabels);
      }
    }
  }

  /** Creates a monitor with the default {@link LabelPolicy} on the system clock. */
  public QualityMonitor(int goldenWindowSize, int errorWindowSize, DegradationRule rule) {
    this(goldenWindowSize, errorWindowSize, rule, LabelPolicy.DEFAULT, Clock.systemUTC());
  }

  /** Creates a monitor with the given window sizes, rule and label policy. */
  public QualityMonitor(
      int goldenWindowSize,
      int errorWindowSize,
      DegradationRule rule,
      LabelPolicy labels,
      Clock clock) {
    this.golden = new OutcomeWindow(goldenWindowSize);
    this.labelled = new LabelWindow(labels.windowSize(), labels.maxAge(), clock);
    this.minLabels = labels.minLabels();
    this.failed = new OutcomeWindow(errorWindowSize);
    this.latency = new LatencyWindow(errorWindowSize);
    this.rule = rule;
  }

  /** Records whether a served prediction matched the true label sent as feedback. */
  public void recordLabeled(boolean wasCorrect) {
    labelled.add(wasCorrect);
  }

  /** Records whether the model got a golden-set example right (self-evaluation). */
  public void recordGolden(boolean wasCorrect) {
    golden.add(wasCorrect);
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

  /**
   * The accuracy behind {@code model_accuracy} and {@code model_degraded}: labelled traffic when
   * there are enough recent labels, else the golden set; NaN before either has a value.
   */
  public double accuracy() {
    return snapshot().accuracy();
  }

  /** Accuracy on the golden set, NaN before the first self-check. */
  public double goldenAccuracy() {
    return golden.ratio();
  }

  /** Labels currently in the feedback window. */
  public int labelledSamples() {
    return labelled.size();
  }

  /** Current error rate, 0 before any served prediction. */
  public double errorRate() {
    double rate = failed.ratio();
    return Double.isNaN(rate) ? 0 : rate;
  }

  /** Everything at once, with the degradation verdict. */
  public QualitySnapshot snapshot() {
    int labels = labelled.size();
    double goldenAccuracy = golden.ratio();
    boolean fromFeedback = labels >= minLabels;
    double accuracy = fromFeedback ? labelled.ratio() : goldenAccuracy;
    double errorRate = errorRate();
    return new QualitySnapshot(
        accuracy,
        fromFeedback ? QualitySnapshot.Source.FEEDBACK : QualitySnapshot.Source.GOLDEN_SET,
        goldenAccuracy,
        labels,
        errorRate,
        latency.mean(),
        rule.degraded(accuracy, errorRate));
  }
}
