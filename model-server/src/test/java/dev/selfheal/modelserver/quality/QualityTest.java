package dev.selfheal.modelserver.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.quality.PredictionLedger.Status;
import dev.selfheal.modelserver.testing.FakeModel;
import dev.selfheal.testsupport.time.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QualityTest {

  @Test
  void outcomeWindowSlidesOverTheLastOutcomes() {
    OutcomeWindow window = new OutcomeWindow(4);
    assertThat(window.ratio()).isNaN();

    window.add(true);
    window.add(true);
    window.add(false);
    window.add(false);
    assertThat(window.ratio()).isEqualTo(0.5);

    window.add(false); // evicts the first true
    window.add(false); // evicts the second true
    assertThat(window.ratio()).isZero();
    assertThat(window.size()).isEqualTo(4);

    window.add(true);
    assertThat(window.ratio()).isEqualTo(0.25);
  }

  @Test
  void windowsRejectZeroCapacity() {
    assertThatIllegalArgumentException().isThrownBy(() -> new OutcomeWindow(0));
    assertThatIllegalArgumentException().isThrownBy(() -> new LatencyWindow(0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PredictionLedger(0));
  }

  @Test
  void latencyWindowAveragesRecentValues() {
    LatencyWindow window = new LatencyWindow(2);
    assertThat(window.mean()).isZero();
    window.add(1);
    window.add(3);
    window.add(5);
    assertThat(window.mean()).isCloseTo(4.0, within(1e-9));
  }

  @ParameterizedTest(name = "accuracy {0}, error rate {1} -> degraded {2}")
  @CsvSource({
    "0.95, 0.00, false",
    "0.90, 0.10, false",
    "0.8999, 0.00, true",
    "0.95, 0.1001, true",
    "0.50, 0.50, true",
    "NaN, 0.00, false",
    "NaN, 0.20, true",
  })
  void degradationRule(double accuracy, double errorRate, boolean degraded) {
    assertThat(new DegradationRule(0.90, 0.10).degraded(accuracy, errorRate)).isEqualTo(degraded);
  }

  @Test
  void monitorCombinesLabelsAndServingOutcomes() {
    QualityMonitor monitor = new QualityMonitor(10, 10, new DegradationRule(0.9, 0.1));
    assertThat(monitor.snapshot().degraded()).isFalse();
    assertThat(monitor.errorRate()).isZero();

    for (int i = 0; i < 9; i++) {
      monitor.recordGolden(true);
      monitor.recordSuccess(2.0);
    }
    monitor.recordGolden(false);
    monitor.recordFailure();

    QualitySnapshot snapshot = monitor.snapshot();
    assertThat(snapshot.accuracy()).isEqualTo(0.9);
    assertThat(snapshot.errorRate()).isEqualTo(0.1);
    assertThat(snapshot.meanLatencyMs()).isEqualTo(2.0);
    assertThat(snapshot.source()).isEqualTo(QualitySnapshot.Source.GOLDEN_SET);
    assertThat(snapshot.goldenAccuracy()).isEqualTo(0.9);
    assertThat(snapshot.degraded()).isFalse();

    monitor.recordFailure();
    assertThat(monitor.snapshot().degraded()).isTrue();
  }

  @Test
  void ledgerScoresEachPredictionOnceAndForgetsTheOldest() {
    MutableClock clock = new MutableClock();
    PredictionLedger ledger = new PredictionLedger(2, Duration.ofMinutes(10), clock);
    ledger.remember("a", true);
    ledger.remember("b", false);
    ledger.remember("c", true);

    assertThat(ledger.size()).isEqualTo(2);
    assertThat(ledger.claim("a").status()).isEqualTo(PredictionLedger.Status.UNKNOWN);
    assertThat(ledger.claim("b")).isEqualTo(new PredictionLedger.Claim(Status.ACCEPTED, false));
    assertThat(ledger.claim("b").status()).isEqualTo(Status.REPEATED);
    assertThat(ledger.claim("c")).isEqualTo(new PredictionLedger.Claim(Status.ACCEPTED, true));

    ledger.remember("d", true);
    clock.advance(Duration.ofMinutes(10).plusMillis(1));
    assertThat(ledger.claim("d").status()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void labelWindowKeepsTheLastLabelsOfTheLastMinutes() {
    MutableClock clock = new MutableClock();
    LabelWindow window = new LabelWindow(4, Duration.ofMinutes(5), clock);
    assertThat(window.ratio()).isNaN();
    window.add(false);
    clock.advance(Duration.ofMinutes(3));
    window.add(true);
    window.add(true);
    assertThat(window.ratio()).isCloseTo(2 / 3.0, within(1e-9));
    clock.advance(Duration.ofMinutes(2).plusMillis(1)); // the first label is now too old
    assertThat(window.size()).isEqualTo(2);
    assertThat(window.ratio()).isEqualTo(1.0);
    window.add(false);
    window.add(false);
    window.add(false); // capacity 4: evicts the oldest true
    assertThat(window.ratio()).isEqualTo(0.25);
    clock.advance(Duration.ofMinutes(6));
    assertThat(window.size()).isZero();
    assertThat(window.ratio()).isNaN();
    assertThatIllegalArgumentException().isThrownBy(() -> new LabelWindow(0, Duration.ZERO, clock));
    assertThatIllegalArgumentException().isThrownBy(() -> new LabelWindow(1, Duration.ZERO, clock));
  }

  @Test
  void accuracyFollowsFeedbackOnlyWithEnoughRecentLabels() {
    MutableClock clock = new MutableClock();
    QualityMonitor monitor =
        new QualityMonitor(
            100,
            10,
            new DegradationRule(0.9, 0.1),
            new QualityMonitor.LabelPolicy(10, Duration.ofMinutes(5), 5),
            clock);
    assertThat(monitor.accuracy()).isNaN();
    assertThat(monitor.snapshot().degraded()).isFalse();
    for (int i = 0; i < 100; i++) {
      monitor.recordGolden(true);
    }
    for (int i = 0; i < 4; i++) {
      monitor.recordLabeled(false);
    }
    // Four labels are fewer than the minimum: the golden set still speaks.
    assertThat(monitor.accuracy()).isEqualTo(1.0);
    assertThat(monitor.snapshot().source()).isEqualTo(QualitySnapshot.Source.GOLDEN_SET);
    monitor.recordLabeled(true);
    QualitySnapshot snapshot = monitor.snapshot();
    assertThat(snapshot.accuracy()).isEqualTo(0.2);
    assertThat(snapshot.source()).isEqualTo(QualitySnapshot.Source.FEEDBACK);
    assertThat(snapshot.goldenAccuracy()).isEqualTo(1.0);
    assertThat(snapshot.labeledSamples()).isEqualTo(5);
    assertThat(snapshot.degraded()).isTrue();
    // Golden outcomes never dilute labelled traffic.
    for (int i = 0; i < 100; i++) {
      monitor.recordGolden(true);
    }
    assertThat(monitor.accuracy()).isEqualTo(0.2);
    // Once the labels age out, the golden set takes over again.
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(monitor.accuracy()).isEqualTo(1.0);
    assertThat(monitor.snapshot().degraded()).isFalse();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new QualityMonitor.LabelPolicy(10, Duration.ofMinutes(1), 11))
        .withMessageContaining("FEEDBACK_MIN_LABELS");
  }

  @Test
  void selfEvaluatorMeasuresGoldenAccuracyAndRotatesBatches() {
    FakeModel model = new FakeModel(100, 20);
    QualityMonitor monitor = new QualityMonitor(100, 10, new DegradationRule(0.9, 0.1));
    SelfEvaluator evaluator = new SelfEvaluator(model.goldenSet(), model::predict, monitor, 30);

    SelfEvaluator.EvaluationResult full = evaluator.selfCheck();
    assertThat(full.examples()).isEqualTo(100);
    assertThat(full.accuracy()).isEqualTo(0.8);
    assertThat(monitor.accuracy()).isEqualTo(0.8);

    // The wrong labels are the first 20 examples: batches walk through the set in order.
    assertThat(evaluator.runBatch().accuracy()).isEqualTo(10 / 30.0);
    assertThat(evaluator.runBatch().accuracy()).isEqualTo(1.0);
    assertThat(evaluator.runBatch().accuracy()).isEqualTo(1.0);
    // 90..99 are right, then it wraps to the 20 wrong ones.
    assertThat(evaluator.runBatch().accuracy()).isEqualTo(10 / 30.0);
  }

  @Test
  void selfCheckRejectsMalformedPredictionsAndEmptyGoldenSets() {
    FakeModel model = new FakeModel(5, 0);
    QualityMonitor monitor = new QualityMonitor(10, 10, new DegradationRule(0.9, 0.1));
    assertThatIllegalStateException()
        .isThrownBy(
            () ->
                new SelfEvaluator(
                        model.goldenSet(), t -> new Prediction(true, Double.NaN), monitor, 5)
                    .selfCheck())
        .withMessageContaining("confidence NaN");
    assertThatIllegalStateException()
        .isThrownBy(() -> new SelfEvaluator(java.util.List.of(), model::predict, monitor, 5))
        .withMessageContaining("empty golden set");
  }
}
