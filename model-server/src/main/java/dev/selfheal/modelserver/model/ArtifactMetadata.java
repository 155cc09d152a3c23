package dev.selfheal.modelserver.model;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.Properties;

/**
 * The small properties file shipped next to each artifact ({@code fraud-v1.properties}): how the
 * artifact was built and how it scored on the golden set.
 *
 * @param name model name, {@code fraud-detector}
 * @param version release version, e.g. {@code v1.0}
 * @param artifact artifact file name
 * @param dataset description of the generated data set
 * @param seed seed of data generation and training
 * @param trainer the Tribuo trainer with its hyper-parameters
 * @param features version of the {@link FeatureEncoder} definitions
 * @param trainingAmountUnit unit in which the training pipeline passed {@code amount} to the
 *     encoder
 * @param servingAmountUnit unit in which the server passes {@code amount}: always dollars
 * @param goldenSetSize rows in the golden set
 * @param goldenSetAccuracy golden-set accuracy through the serving path (amount in dollars)
 * @param goldenSetAccuracyTrainingUnits golden-set accuracy with the amount in the training unit,
 *     i.e. what the training pipeline's own evaluation reported
 * @param knownDefect a plain-language description of a deliberate defect, empty when there is none
 */
public record ArtifactMetadata(
    String name,
    String version,
    String artifact,
    String dataset,
    long seed,
    String trainer,
    String features,
    AmountUnit trainingAmountUnit,
    AmountUnit servingAmountUnit,
    int goldenSetSize,
    double goldenSetAccuracy,
    double goldenSetAccuracyTrainingUnits,
    String knownDefect) {

  /** True when training and serving disagree on the amount's unit (the v2 defect). */
  public boolean hasAmountUnitSkew() {
    return trainingAmountUnit != servingAmountUnit;
  }

  /**
   * Writes the metadata as sorted properties without the timestamp comment, so equal metadata gives
   * equal bytes.
   */
  public void write(Writer out) throws IOException {
    Properties props = new Properties();
    props.setProperty("name", name);
    props.setProperty("version", version);
    props.setProperty("artifact", artifact);
    props.setProperty("dataset", dataset);
    props.setProperty("seed", Long.toString(seed));
    props.setProperty("trainer", trainer);
    props.setProperty("features", features);
    props.setProperty("training.amount_unit", trainingAmountUnit.metadataName());
    props.setProperty("serving.amount_unit", servingAmountUnit.metadataName());
    props.setProperty("golden_set.size", Integer.toString(goldenSetSize));
    props.setProperty("golden_set.accuracy", Double.toString(goldenSetAccuracy));
    props.setProperty(
        "golden_set.accuracy_training_units", Double.toString(goldenSetAccuracyTrainingUnits));
    props.setProperty("known_defect", knownDefect);
    StringWriter buffer = new StringWriter();
    props.store(buffer, null);
    // Properties.store always writes a date comment first; drop it and sort for stable output.
    String[] lines = buffer.toString().split("\n");
    Arrays.sort(lines);
    out.write("# Model artifact metadata, written by ModelTrainer. Do not edit by hand.\n");
    for (String line : lines) {
      if (!line.startsWith("#") && !line.isBlank()) {
        out.write(line.strip());
        out.write('\n');
      }
    }
  }

  /**
   * Reads metadata written by {@link #write}.
   *
   * @throws IllegalArgumentException naming a missing or malformed key
   */
  public static ArtifactMetadata read(Reader in) {
    Properties props = new Properties();
    try {
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model metadata", e);
    }
    return new ArtifactMetadata(
        required(props, "name"),
        required(props, "version"),
        required(props, "artifact"),
        required(props, "dataset"),
        Long.parseLong(required(props, "seed")),
        required(props, "trainer"),
        required(props, "features"),
        AmountUnit.fromMetadata(required(props, "training.amount_unit")),
        AmountUnit.fromMetadata(required(props, "serving.amount_unit")),
        Integer.parseInt(required(props, "golden_set.size")),
        Double.parseDouble(required(props, "golden_set.accuracy")),
        Double.parseDouble(required(props, "golden_set.accuracy_training_units")),
        props.getProperty("known_defect", ""));
  }

  private static String required(Properties props, String key) {
    String value = props.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("model metadata: missing key " + key);
    }
    return value;
  }
}
