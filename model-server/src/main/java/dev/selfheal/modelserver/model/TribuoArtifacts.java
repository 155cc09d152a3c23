package dev.selfheal.modelserver.model;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;

/**
 * The Tribuo protobuf artifacts themselves, for training, for exporting the served {@link
 * LinearWeights} and for the tests that hold the served model to Tribuo's. Kept apart from {@link
 * ModelLoader} so that serving loads no Tribuo or protobuf class.
 */
public final class TribuoArtifacts {
  private TribuoArtifacts() {}

  /** Loads {@code release}'s Tribuo artifact, with the release's metadata and golden set. */
  public static TribuoFraudModel load(ModelRelease release) {
    long started = System.nanoTime();
    ModelLoader.Parts parts = ModelLoader.parts(release);
    Model<Label> model = deserialize(parts.artifact(), release.artifactFile());
    parts.log(release, started);
    return new TribuoFraudModel(model, parts.provenance(), parts.metadata(), parts.goldenSet());
  }

  /** {@link #load(ModelRelease)} for a {@code MODEL_VERSION} value. */
  public static TribuoFraudModel load(String modelVersion) {
    return load(ModelRelease.fromSetting(modelVersion));
  }

  /**
   * Parses a Tribuo protobuf artifact.
   *
   * @throws IllegalStateException naming {@code artifactFile} when it is corrupt or not a
   *     classifier
   */
  public static Model<Label> deserialize(byte[] artifact, String artifactFile) {
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
}
