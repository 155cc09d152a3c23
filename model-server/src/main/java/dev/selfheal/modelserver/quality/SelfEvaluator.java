package dev.selfheal.modelserver.quality;

import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import java.util.List;
import java.util.function.Function;

/**
 * Scores the model on its held-out golden set and feeds the outcomes into the golden-set accuracy
 * window, so {@code model_accuracy} means something even without client feedback. The start-up
 * self-check scores the whole set; the periodic run scores the next slice of {@code batchSize}
 * examples in rotation.
 */
public final class SelfEvaluator {
  private final List<LabeledTransaction> golden;
  private final Function<Transaction, Prediction> scorer;
  private final QualityMonitor quality;
  private final int batchSize;
  private int cursor;

  /**
   * Creates the evaluator.
   *
   * @param scorer the inference path to evaluate (passes through the fault injector's stall)
   */
  public SelfEvaluator(
      List<LabeledTransaction> golden,
      Function<Transaction, Prediction> scorer,
      QualityMonitor quality,
      int batchSize) {
    if (golden.isEmpty()) {
      throw new IllegalStateException("the model ships an empty golden set; cannot self-check");
    }
    this.golden = List.copyOf(golden);
    this.scorer = scorer;
    this.quality = quality;
    this.batchSize = Math.min(batchSize, golden.size());
  }

  /**
   * Scores every golden example, checks that each answer is well-formed and records the outcomes.
   *
   * @throws IllegalStateException when the model returns a malformed prediction
   */
  public EvaluationResult selfCheck() {
    return score(golden);
  }

  /** Scores the next slice of the golden set. */
  public synchronized EvaluationResult runBatch() {
    List<LabeledTransaction> slice = new java.util.ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      slice.add(golden.get(cursor));
      cursor = (cursor + 1) % golden.size();
    }
    return score(slice);
  }

  private EvaluationResult score(List<LabeledTransaction> examples) {
    int correct = 0;
    for (LabeledTransaction example : examples) {
      Prediction prediction = scorer.apply(example.transaction());
      double confidence = prediction.confidence();
      if (!(confidence >= 0.5 && confidence <= 1.0)) {
        throw new IllegalStateException(
            "model returned confidence " + confidence + " outside [0.5, 1] on a golden example");
      }
      boolean right = prediction.fraud() == example.fraud();
      quality.recordGolden(right);
      if (right) {
        correct++;
      }
    }
    return new EvaluationResult(examples.size(), (double) correct / examples.size());
  }

  /**
   * One evaluation's outcome.
   *
   * @param examples golden examples scored
   * @param accuracy fraction correct among them
   */
  public record EvaluationResult(int examples, double accuracy) {}
}
