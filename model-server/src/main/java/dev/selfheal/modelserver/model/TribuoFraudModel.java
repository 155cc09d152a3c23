package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import java.util.List;
import java.util.Objects;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A {@link FraudModel} backed by a Tribuo classification model: the reference the served {@link
 * LinearFraudModel} is tested against, and what training and inspection (weights, Tribuo
 * provenance) use. The server does not load it.
 *
 * <p>Thread-safe: Tribuo models are immutable after training and {@link Model#predict} keeps its
 * working state on the calling thread; the encoder is stateless.
 */
public final class TribuoFraudModel extends ArtifactModel {

  private final Model<Label> model;

  /** Wraps a loaded Tribuo model with its provenance, metadata and golden set. */
  public TribuoFraudModel(
      Model<Label> model,
      ModelProvenance provenance,
      ArtifactMetadata metadata,
      List<LabeledTransaction> goldenSet) {
    super(provenance, metadata, goldenSet);
    this.model = Objects.requireNonNull(model, "model");
  }

  @Override
  public Prediction predict(Transaction transaction) {
    Label output = model.predict(FeatureEncoder.servingExample(transaction)).getOutput();
    // For a probabilistic model the predicted label's score is its probability (>= 0.5 with two
    // classes).
    return new Prediction(FeatureEncoder.FRAUD.equals(output.getLabel()), output.getScore());
  }

  /** The underlying Tribuo model, for inspection (weights, Tribuo provenance). */
  public Model<Label> tribuoModel() {
    return model;
  }

  /** Fraction of {@code rows} that {@code model} labels correctly; 0 for an empty list. */
  public static double accuracy(FraudModel model, List<LabeledTransaction> rows) {
    return FraudModel.accuracy(model, rows);
  }
}
