package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import java.util.List;

/**
 * A loaded fraud classifier with its held-out golden set. Implementations are immutable and
 * thread-safe.
 *
 * <p>Obtained from {@code ModelLoader.load(modelVersion)}; the server never trains.
 */
public interface FraudModel {

  /** Scores one transaction through the artifact's serving pipeline. */
  Prediction predict(Transaction transaction);

  /** Where the artifact came from. */
  ModelProvenance provenance();

  /** The held-out golden set shipped with the artifact, for periodic self-evaluation. */
  List<LabeledTransaction> goldenSet();

  /** Fraction of {@code rows} that {@code model} labels correctly; 0 for an empty list. */
  static double accuracy(FraudModel model, List<LabeledTransaction> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    int correct = 0;
    for (LabeledTransaction row : rows) {
      if (model.predict(row.transaction()).fraud() == row.fraud()) {
        correct++;
      }
    }
    return (double) correct / rows.size();
  }
}
