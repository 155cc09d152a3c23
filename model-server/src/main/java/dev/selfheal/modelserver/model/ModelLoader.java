package dev.selfheal.modelserver.model;

import com.google.protobuf.InvalidProtocolBufferException;
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
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

/**
 * Loads a shipped model release from the class path: the Tribuo protobuf artifact, its metadata and
 * the golden set.
 *
 * <p>Loading never trains; it parses a few kilobytes of protobuf and a CSV, and computes the
 * artifact's SHA-256.
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
   * Starts loading on a daemon thread named {@code model-loader}, so that Tribuo's class loading
   * and deserialization (the bulk of start-up time) overlap with the server's own initialisation.
   *
   * @throws IllegalArgumentException at once, on the caller's thread, naming {@code MODEL_VERSION}
   *     for an unknown version
   * @return a future that completes with the model, or exceptionally with what {@link
   *     #load(ModelRelease)} threw
   */
  public static CompletableFuture<TribuoFraudModel> loadAsync(String modelVersion) {
    ModelRelease release = ModelRelease.fromSetting(modelVersion);
    CompletableFuture<TribuoFraudModel> future = new CompletableFuture<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                future.complete(load(release));
              } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
              }
            },
            "model-loader");
    loader.setDaemon(true);
    loader.start();
    return future;
  }

  /**
   * Loads the release named by a {@code MODEL_VERSION} value ({@code v1.0}, {@code v1}, {@code
   * v2.0}, {@code v2}).
   *
   * @throws IllegalArgumentException naming {@code MODEL_VERSION} for an unknown version
   * @throws IllegalStateException when a shipped resource is missing or corrupt
   */
  public static TribuoFraudModel load(String modelVersion) {
    return load(ModelRelease.fromSetting(modelVersion));
  }

  /**
   * Loads {@code release} from the class path resources under {@link ModelRelease#RESOURCE_DIR}.
   */
  public static TribuoFraudModel load(ModelRelease release) {
    long started = System.nanoTime();
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
    Model<Label> model = deserialize(artifact, release.artifactFile());
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
    return new TribuoFraudModel(model, provenance, metadata, goldenSet);
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

  /** Parses a Tribuo protobuf artifact; package-private for the corrupt-artifact test. */
  static Model<Label> deserialize(byte[] artifact, String artifactFile) {
    Model<?> model;
    try {
      model = Model.deserialize(ModelProto.parseFrom(artifact));
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalStateException("cannot deserialize model artifact " + artifactFile, e);
    }
    if (!model.validate(Label.class)) {
      throw new IllegalStateException(artifactFile + " is not a classification model");
    }
    return model.castModel(Label.class);
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
