package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FraudModel} read from an artifact carries besides its predictions: where it came
 * from, the artifact's metadata and the golden set shipped with it. The served {@link
 * LinearFraudModel} and the reference {@link TribuoFraudModel} share it, so both answer these the
 * same way.
 */
abstract class ArtifactModel implements FraudModel {
  private final ModelProvenance provenance;
  private final ArtifactMetadata metadata;
  private final List<LabeledTransaction> goldenSet;

  ArtifactModel(
      ModelProvenance provenance, ArtifactMetadata metadata, List<LabeledTransaction> goldenSet) {
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.goldenSet = List.copyOf(goldenSet);
  }

  @Override
  public ModelProvenance provenance() {
    return provenance;
  }

  @Override
  public List<LabeledTransaction> goldenSet() {
    return goldenSet;
  }

  /** The artifact's metadata file, including the amount units used in training and serving. */
  public ArtifactMetadata metadata() {
    return metadata;
  }

  /** Fraction of {@code rows} this model labels correctly. */
  public double accuracy(List<LabeledTransaction> rows) {
    return FraudModel.accuracy(this, rows);
  }
}
