package dev.selfheal.modelserver.model.train;

import dev.selfheal.modelserver.model.AmountUnit;
import dev.selfheal.modelserver.model.ArtifactMetadata;
import dev.selfheal.modelserver.model.FeatureEncoder;
import dev.selfheal.modelserver.model.GoldenSetCsv;
import dev.selfheal.modelserver.model.ModelLoader;
import dev.selfheal.modelserver.model.ModelRelease;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.SyntheticTransactions;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Regenerates the shipped model resources deterministically: the golden set and, per release, the
 * Tribuo protobuf artifact and its metadata.
 *
 * <p>Usage: {@code java -cp <model-server class path>
 * dev.selfheal.modelserver.model.train.ModelTrainer [dir]}; the directory defaults to {@value
 * #DEFAULT_OUTPUT}. The artifacts' bytes differ between runs only in Tribuo's provenance
 * timestamps; weights and predictions are identical.
 */
public final class ModelTrainer {

  /** Where the resources live in the source tree, relative to the repository root. */
  public static final String DEFAULT_OUTPUT = "model-server/src/main/resources/models";

  /** Passes over the training data. */
  public static final int EPOCHS = 10;

  private ModelTrainer() {}

  /** A trained artifact before it is written. */
  public record TrainedArtifact(Model<Label> model, ArtifactMetadata metadata) {}

  /**
   * The Tribuo trainer used for every release: logistic regression by SGD with AdaGrad, fixed seed.
   */
  public static LinearSGDTrainer trainer(long seed) {
    // Logging interval -1: no per-iteration loss lines on the console.
    return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), EPOCHS, -1, 1, seed);
  }

  /** Trains the artifact of {@code recipe} on the shipped data set. */
  public static TrainedArtifact train(TrainingRecipe recipe) {
    return train(recipe, SyntheticTransactions.defaultSplit(), SyntheticTransactions.DEFAULT_SEED);
  }

  /** Trains {@code recipe} on {@code split.train()} and scores it on {@code split.golden()}. */
  public static TrainedArtifact train(
      TrainingRecipe recipe, SyntheticTransactions.Split split, long seed) {
    LabelFactory labels = new LabelFactory();
    String dataset = describe(split, seed);
    MutableDataset<Label> data =
        new MutableDataset<>(new SimpleDataSourceProvenance(dataset, labels), labels);
    for (LabeledTransaction row : split.train()) {
      data.add(FeatureEncoder.trainingExample(row, recipe.trainingAmountUnit()));
    }
    LinearSGDTrainer trainer = trainer(seed);
    Model<Label> model = trainer.train(data);
    ArtifactMetadata metadata =
        new ArtifactMetadata(
            ModelLoader.MODEL_NAME,
            recipe.release().version(),
            recipe.release().artifactFile(),
            dataset,
            seed,
            trainer.toString(),
            FeatureEncoder.VERSION,
            recipe.trainingAmountUnit(),
            AmountUnit.DOLLARS,
            split.golden().size(),
            accuracy(model, split.golden(), AmountUnit.DOLLARS),
            accuracy(model, split.golden(), recipe.trainingAmountUnit()),
            recipe.knownDefect());
    return new TrainedArtifact(model, metadata);
  }

  /** Accuracy of {@code model} on {@code rows} when the amount is encoded in {@code unit}. */
  public static double accuracy(
      Model<Label> model, List<LabeledTransaction> rows, AmountUnit unit) {
    int correct = 0;
    for (LabeledTransaction row : rows) {
      String predicted =
          model.predict(FeatureEncoder.trainingExample(row, unit)).getOutput().getLabel();
      if (predicted.equals(FeatureEncoder.label(row.fraud()).getLabel())) {
        correct++;
      }
    }
    return rows.isEmpty() ? 0 : (double) correct / rows.size();
  }

  /**
   * Writes the golden set and every release's artifact, its served weights and its metadata into
   * {@code dir}.
   */
  public static void writeAll(Path dir) throws IOException {
    Files.createDirectories(dir);
    SyntheticTransactions.Split split = SyntheticTransactions.defaultSplit();
    try (Writer out =
        Files.newBufferedWriter(
            dir.resolve(ModelRelease.GOLDEN_SET_FILE), StandardCharsets.UTF_8)) {
      GoldenSetCsv.write(split.golden(), out);
    }
    for (ModelRelease release : ModelRelease.values()) {
      TrainedArtifact artifact =
          train(TrainingRecipe.forRelease(release), split, SyntheticTransactions.DEFAULT_SEED);
      artifact.model().serializeToFile(dir.resolve(release.artifactFile()));
      WeightsExport.write(dir, release, artifact.model());
      try (Writer out =
          Files.newBufferedWriter(dir.resolve(release.metadataFile()), StandardCharsets.UTF_8)) {
        artifact.metadata().write(out);
      }
      System.out.printf(
          Locale.ROOT,
          "%s: golden accuracy %.4f (serving, amount in dollars), %.4f (amount in training unit %s)%n",
          release.version(),
          artifact.metadata().goldenSetAccuracy(),
          artifact.metadata().goldenSetAccuracyTrainingUnits(),
          artifact.metadata().trainingAmountUnit().metadataName());
    }
  }

  /** Regenerates the resources; optional argument: output directory. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : DEFAULT_OUTPUT);
    writeAll(dir);
    System.out.println("wrote model resources to " + dir.toAbsolutePath());
  }

  private static String describe(SyntheticTransactions.Split split, long seed) {
    long fraud =
        split.train().stream().filter(LabeledTransaction::fraud).count()
            + split.golden().stream().filter(LabeledTransaction::fraud).count();
    int rows = split.train().size() + split.golden().size();
    return String.format(
        Locale.ROOT,
        "%s seed %d: %d rows (%d train, %d golden), labelled fraud rate %.3f, label noise %.2f",
        SyntheticTransactions.GENERATOR,
        seed,
        rows,
        split.train().size(),
        split.golden().size(),
        (double) fraud / rows,
        SyntheticTransactions.LABEL_NOISE);
  }
}
