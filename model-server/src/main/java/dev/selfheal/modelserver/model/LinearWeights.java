package dev.selfheal.modelserver.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The weights of a trained linear classifier, in a plain-text file beside its Tribuo artifact
 * ({@code fraud-v1.linear} beside {@code fraud-v1.tribuo}), which is what the server reads: a few
 * dozen numbers parse in microseconds, where the protobuf artifact takes Tribuo, OLCUT and protobuf
 * (about 400 classes) and most of a second under the pod's CPU limit. {@code ModelTrainer} exports
 * the file from the artifact; the file names the artifact's SHA-256, and the loader refuses a file
 * whose artifact has changed.
 *
 * <p>The format, one item per line ({@code #} starts a comment):
 *
 * <pre>
 * source_sha256 &lt;hex SHA-256 of the Tribuo artifact&gt;
 * features &lt;name&gt; ...                 (the artifact's feature order)
 * label &lt;name&gt; &lt;weight&gt; ... &lt;bias&gt;     (one line per label, in the artifact's label order)
 * </pre>
 *
 * Numbers are written as Java's shortest exact decimal, so a file read back holds the same doubles.
 */
public final class LinearWeights {
  private final String sourceSha256;
  private final List<String> features;
  private final List<String> labels;
  private final double[][] weights;

  /**
   * Checks and copies the parts.
   *
   * @param weights one row per label: a weight per feature, then the bias
   */
  public LinearWeights(
      String sourceSha256, List<String> features, List<String> labels, double[][] weights) {
    if (!sourceSha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("source_sha256 must be 64 hex digits: " + sourceSha256);
    }
    if (labels.size() != weights.length || labels.size() < 2) {
      throw new IllegalArgumentException(
          labels.size() + " labels for " + weights.length + " rows of weights");
    }
    for (int label = 0; label < weights.length; label++) {
      if (weights[label].length != features.size() + 1) {
        throw new IllegalArgumentException(
            "label "
                + labels.get(label)
                + " has "
                + weights[label].length
                + " numbers, expected "
                + (features.size() + 1)
                + " (a weight per feature and the bias)");
      }
      for (double w : weights[label]) {
        if (!Double.isFinite(w)) {
          throw new IllegalArgumentException("label " + labels.get(label) + " has a weight " + w);
        }
      }
    }
    this.sourceSha256 = sourceSha256;
    this.features = List.copyOf(features);
    this.labels = List.copyOf(labels);
    this.weights = new double[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      this.weights[i] = weights[i].clone();
    }
  }

  /** Hex SHA-256 of the Tribuo artifact these weights were exported from. */
  public String sourceSha256() {
    return sourceSha256;
  }

  /** Feature names, in the order of each label's weights. */
  public List<String> features() {
    return features;
  }

  /** Label names, in the order of the rows. */
  public List<String> labels() {
    return labels;
  }

  /** Label {@code label}'s weights, a weight per feature then the bias (a copy). */
  public double[] row(int label) {
    return weights[label].clone();
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalStateException naming {@code file} and the line when it is not well formed
   */
  public static LinearWeights read(BufferedReader in, String file) {
    String sha = null;
    List<String> features = null;
    List<String> labels = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    int number = 0;
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
          continue;
        }
        String[] parts = text.split("\\s+");
        switch (parts[0]) {
          case "source_sha256" -> sha = parts.length == 2 ? parts[1] : "";
          case "features" -> features = List.of(Arrays.copyOfRange(parts, 1, parts.length));
          case "label" -> {
            labels.add(parts.length > 1 ? parts[1] : "");
            double[] row = new double[Math.max(0, parts.length - 2)];
            for (int i = 0; i < row.length; i++) {
              row[i] = Double.parseDouble(parts[i + 2]);
            }
            rows.add(row);
          }
          default -> throw new IllegalArgumentException("unknown item '" + parts[0] + "'");
        }
      }
      if (sha == null || features == null) {
        throw new IllegalArgumentException("source_sha256 and features are required");
      }
      return new LinearWeights(sha, features, labels, rows.toArray(new double[0][]));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          file + " is not a weights file (line " + number + "): " + e.getMessage(), e);
    }
  }

  /** Writes the text form, with {@code comment} lines first. */
  public void write(Writer out, List<String> comment) throws IOException {
    for (String line : comment) {
      out.write("# " + line + "\n");
    }
    out.write("source_sha256 " + sourceSha256 + "\n");
    out.write("features " + String.join(" ", features) + "\n");
    for (int label = 0; label < labels.size(); label++) {
      StringBuilder line = new StringBuilder("label ").append(labels.get(label));
      for (double w : weights[label]) {
        line.append(' ').append(w);
      }
      out.write(line.append('\n').toString());
    }
  }
}
