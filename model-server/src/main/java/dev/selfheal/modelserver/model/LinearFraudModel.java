package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import java.util.Arrays;
import java.util.List;

/**
 * The served {@link FraudModel}: the trained logistic regression evaluated from its {@link
 * LinearWeights}, with the arithmetic Tribuo's {@code LinearSGDModel} uses, in the same order, so
 * that labels and confidences are the same doubles (a test compares them with the Tribuo model on
 * the golden set and on random transactions): per label, the sum of weight times feature value in
 * the artifact's feature order, then the bias; then the softmax of those sums, less their maximum;
 * the label with the highest probability, the first on a tie.
 *
 * <p>Immutable and thread-safe.
 */
public final class LinearFraudModel extends ArtifactModel {
  private final double[][] weights;
  private final int[] featureIndex;
  private final boolean[] fraudLabel;

  /**
   * Serves {@code weights}.
   *
   * @throws IllegalStateException when the weights do not name exactly the {@link Features} and the
   *     labels {@code fraud} and {@code legitimate}
   */
  public LinearFraudModel(
      LinearWeights weights,
      ModelProvenance provenance,
      ArtifactMetadata metadata,
      List<LabeledTransaction> goldenSet) {
    super(provenance, metadata, goldenSet);
    List<String> names = Arrays.asList(Features.names());
    if (weights.features().size() != names.size() || !weights.features().containsAll(names)) {
      throw new IllegalStateException(
          "the weights' features " + weights.features() + " are not the server's " + names);
    }
    if (weights.labels().size() != 2
        || !weights.labels().containsAll(List.of(Features.FRAUD, Features.LEGITIMATE))) {
      throw new IllegalStateException(
          "the weights' labels " + weights.labels() + " are not fraud and legitimate");
    }
    this.featureIndex = new int[names.size()];
    for (int i = 0; i < featureIndex.length; i++) {
      featureIndex[i] = names.indexOf(weights.features().get(i));
    }
    this.weights = new double[weights.labels().size()][];
    this.fraudLabel = new boolean[this.weights.length];
    for (int label = 0; label < this.weights.length; label++) {
      this.weights[label] = weights.row(label);
      this.fraudLabel[label] = Features.FRAUD.equals(weights.labels().get(label));
    }
  }

  @Override
  public Prediction predict(Transaction transaction) {
    double[] values = Features.encode(transaction, AmountUnit.DOLLARS);
    double[] scores = new double[weights.length];
    for (int label = 0; label < weights.length; label++) {
      double[] row = weights[label];
      double sum = 0;
      for (int i = 0; i < featureIndex.length; i++) {
        sum += row[i] * values[featureIndex[i]];
      }
      scores[label] = sum + row[featureIndex.length] * 1.0;
    }
    softmax(scores);
    int best = 0;
    for (int label = 1; label < scores.length; label++) {
      if (scores[label] > scores[best]) {
        best = label;
      }
    }
    return new Prediction(fraudLabel[best], scores[best]);
  }

  /**
   * In place, as Tribuo's {@code ExpNormalizer}: exp of each score less the maximum, over the sum.
   */
  private static void softmax(double[] scores) {
    double max = -Double.MAX_VALUE;
    for (double score : scores) {
      if (max < score) {
        max = score;
      }
    }
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = Math.exp(scores[i] - max);
      sum += scores[i];
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] /= sum;
    }
  }
}
