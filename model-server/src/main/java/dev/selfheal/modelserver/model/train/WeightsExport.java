package dev.selfheal.modelserver.model.train;

import dev.selfheal.modelserver.model.LinearWeights;
import dev.selfheal.modelserver.model.ModelLoader;
import dev.selfheal.modelserver.model.ModelRelease;
import dev.selfheal.modelserver.model.TribuoArtifacts;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/**
 * Exports the weights the server serves ({@link LinearWeights}) from a trained Tribuo model: its
 * weight matrix (one row per label, the bias last), its feature order and its label order, as the
 * model's own prediction uses them.
 */
public final class WeightsExport {
  private WeightsExport() {}

  /**
   * The weights of {@code model}, exported from the artifact whose SHA-256 is {@code sourceSha256}.
   *
   * @throws IllegalArgumentException for a model that is not a logistic regression of Tribuo's
   *     {@code LinearSGDModel} with its softmax output
   */
  public static LinearWeights of(Model<Label> model, String sourceSha256) {
    if (!(model instanceof LinearSGDModel linear)) {
      throw new IllegalArgumentException(
          "only a LinearSGDModel can be exported, not " + model.getClass().getName());
    }
    if (!linear.generatesProbabilities()) {
      throw new IllegalArgumentException("the model's output is not a softmax");
    }
    DenseMatrix matrix = linear.getWeightsCopy();
    List<String> features = new ArrayList<>();
    for (int id = 0; id < linear.getFeatureIDMap().size(); id++) {
      features.add(linear.getFeatureIDMap().get(id).getName());
    }
    List<String> labels = new ArrayList<>();
    double[][] rows = new double[linear.getOutputIDInfo().size()][];
    for (int id = 0; id < rows.length; id++) {
      labels.add(linear.getOutputIDInfo().getOutput(id).getLabel());
      rows[id] = new double[matrix.getDimension2Size()];
      for (int column = 0; column < rows[id].length; column++) {
        rows[id][column] = matrix.get(id, column);
      }
    }
    return new LinearWeights(sourceSha256, features, labels, rows);
  }

  /** Writes the weights file of {@code release} into {@code dir}, beside its artifact there. */
  public static void write(Path dir, ModelRelease release, Model<Label> model) throws IOException {
    byte[] artifact = Files.readAllBytes(dir.resolve(release.artifactFile()));
    LinearWeights weights = of(model, ModelLoader.sha256(artifact));
    try (Writer out =
        Files.newBufferedWriter(dir.resolve(release.weightsFile()), StandardCharsets.UTF_8)) {
      weights.write(out, comment(release));
    }
  }

  /**
   * Exports the weights files again from the artifacts in a directory (default: the shipped
   * resources), for an artifact trained or replaced by other means than {@link ModelTrainer}.
   */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : ModelTrainer.DEFAULT_OUTPUT);
    for (ModelRelease release : ModelRelease.values()) {
      byte[] artifact = Files.readAllBytes(dir.resolve(release.artifactFile()));
      write(dir, release, TribuoArtifacts.deserialize(artifact, release.artifactFile()));
      System.out.println("wrote " + dir.resolve(release.weightsFile()));
    }
  }

  /** The comment at the head of {@code release}'s weights file. */
  public static List<String> comment(ModelRelease release) {
    return List.of(
        "Weights of " + release.artifactFile() + ", exported by ModelTrainer. Do not edit by hand.",
        "Per label: the sum of weight x feature value in this feature order, plus the last number",
        "(the bias); the server answers the label whose softmax probability is highest.");
  }
}
