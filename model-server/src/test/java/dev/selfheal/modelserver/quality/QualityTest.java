package dev.selfheal.modelserver.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.testing.FakeModel;
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
      monitor.recordLabeled(true);
      monitor.recordSuccess(2.0);
    }
    monitor.recordLabeled(false);
    monitor.recordFailure();

    QualitySnapshot snapshot = monitor.snapshot();
    assertThat(snapshot.accuracy()).isEqualTo(0.9);
    assertThat(snapshot.errorRate()).isEqualTo(0.1);
    assertThat(snapshot.meanLatencyMs()).isEqualTo(2.0);
    assertThat(snapshot.labeledSamples()).isEqualTo(10);
    assertThat(snapshot.degraded()).isFalse();

    monitor.recordFailure();
    assertThat(monitor.snapshot().degraded()).isTrue();
  }

  @Test
  void ledgerScoresEachPredictionOnceAndForgetsTheOldest() {
    PredictionLedger ledger = new PredictionLedger(2);
    ledger.remember("a", true);
    ledger.remember("b", false);
    ledger.remember("c", true);

    assertThat(ledger.size()).isEqualTo(2);
    assertThat(ledger.take("a")).isEmpty();
    assertThat(ledger.take("b")).contains(false);
    assertThat(ledger.take("b")).isEmpty();
    assertThat(ledger.take("c")).contains(true);
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
