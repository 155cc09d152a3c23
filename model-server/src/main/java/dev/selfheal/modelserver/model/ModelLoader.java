package dev.selfheal.modelserver.model;

import dev.selfheal.runtime.lifecycle.Threads;
import dev.selfheal.transactions.LabeledTransaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a shipped model release from the class path: for serving, the weights exported from the
 * Tribuo artifact ({@link LinearWeights}); for training and tests, {@link TribuoArtifacts} loads
 * the Tribuo protobuf artifact itself. Both come with the release's metadata and the golden set.
 *
 * <p>Loading never trains; it parses a few dozen numbers (or a few kilobytes of protobuf) and a
 * CSV, and computes the artifact's SHA-256.
 */
public final class ModelLoader {

  /** Name under which the model is served. */
  public static final String MODEL_NAME = "fraud-detector";

  private ModelLoader() {}

  /**
   * Holds the logger so that merely touching {@code ModelLoader} (e.g. {@link #loadAsync}) does not
   * initialise the logging back end on the caller's thread: Main can start the load first and set
   * up logging in parallel.
   */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);
  }

  /**
   * Starts loading on a daemon thread named {@code model-loader}, so that reading the resources
   * overlaps with the server's own initialisation.
   *
   * @throws IllegalArgumentException at once, on the caller's thread, naming {@code MODEL_VERSION}
   *     for an unknown version
   * @return a future that completes with the model, or exceptionally with what {@link
   *     #load(ModelRelease)} threw
   */
  public static CompletableFuture<LinearFraudModel> loadAsync(String modelVersion) {
    ModelRelease release = ModelRelease.fromSetting(modelVersion);
    CompletableFuture<LinearFraudModel> future = new CompletableFuture<>();
    Threads.daemonThread(
            "model-loader",
            () -> {
              try {
                future.complete(load(release));
              } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
              }
            })
        .start();
    return future;
  }

  /**
   * Loads the release named by a {@code MODEL_VERSION} value ({@code v1.0}, {@code v1}, {@code
   * v2.0}, {@code v2}).
   *
   * @throws IllegalArgumentException naming {@code MODEL_VERSION} for an unknown version
   * @throws IllegalStateException when a shipped resource is missing or corrupt
   */
  public static LinearFraudModel load(String modelVersion) {
    return load(ModelRelease.fromSetting(modelVersion));
  }

  /**
   * Loads {@code release} for serving from the class path resources under {@link
   * ModelRelease#RESOURCE_DIR}: its weights file, checked against the SHA-256 of the Tribuo
   * artifact it was exported from, the metadata and the golden set. No Tribuo class is loaded.
   *
   * @throws IllegalStateException when a resource is missing or corrupt, or the weights were
   *     exported from another artifact
   */
  public static LinearFraudModel load(ModelRelease release) {
    long started = System.nanoTime();
    Parts parts = parts(release);
    LinearWeights weights;
    try (BufferedReader in = reader(release.weightsFile())) {
      weights = LinearWeights.read(in, release.weightsFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + release.weightsFile(), e);
    }
    if (!weights.sourceSha256().equals(parts.provenance().sha256())) {
      throw new IllegalStateException(
          release.weightsFile()
              + " was exported from an artifact with sha256 "
              + weights.sourceSha256()
              + ", not from "
              + release.artifactFile()
              + " (sha256 "
              + parts.provenance().sha256()
              + "): export it again with ModelTrainer");
    }
    LinearFraudModel model =
        new LinearFraudModel(weights, parts.provenance(), parts.metadata(), parts.goldenSet());
    parts.log(release, started);
    return model;
  }

  /** What both kinds of model are served with. */
  record Parts(
      byte[] artifact,
      ArtifactMetadata metadata,
      List<LabeledTransaction> goldenSet,
      ModelProvenance provenance) {

    void log(ModelRelease release, long started) {
      if (metadata.hasAmountUnitSkew()) {
        Log.LOG.warn(
            "Model {} was trained with amount in {} but the server passes {}: {}",
            release.version(),
            metadata.trainingAmountUnit().metadataName(),
            metadata.servingAmountUnit().metadataName(),
            metadata.knownDefect());
      }
      Log.LOG.info(
          "Loaded model {} ({}, sha256 {}) in {} ms",
          release.version(),
          release.artifactFile(),
          provenance.sha256(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  static Parts parts(ModelRelease release) {
    byte[] artifact = readResource(release.artifactFile());
    ArtifactMetadata metadata;
    List<LabeledTransaction> goldenSet;
    try (BufferedReader meta = reader(release.metadataFile());
        BufferedReader golden = reader(ModelRelease.GOLDEN_SET_FILE)) {
      metadata = ArtifactMetadata.read(meta);
      goldenSet = GoldenSetCsv.read(golden);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model resources for " + release.version(), e);
    }
    ModelProvenance provenance =
        new ModelProvenance(
            MODEL_NAME,
            release.artifactFile(),
            metadata.dataset(),
            metadata.seed(),
            metadata.trainer(),
            goldenSet.size(),
            metadata.goldenSetAccuracy(),
            sha256(artifact));
    return new Parts(artifact, metadata, goldenSet, provenance);
  }

  /** Hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** The bytes of a resource under {@link ModelRelease#RESOURCE_DIR}. */
  public static byte[] readResource(String fileName) {
    try (InputStream in = open(fileName)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model resource " + fileName, e);
    }
  }

  private static BufferedReader reader(String fileName) {
    return new BufferedReader(new InputStreamReader(open(fileName), StandardCharsets.UTF_8));
  }

  private static InputStream open(String fileName) {
    InputStream in = ModelLoader.class.getResourceAsStream(ModelRelease.RESOURCE_DIR + fileName);
    if (in == null) {
      throw new IllegalStateException(
          "model resource "
              + ModelRelease.RESOURCE_DIR
              + fileName
              + " is missing from the class path");
    }
    return in;
  }
}
