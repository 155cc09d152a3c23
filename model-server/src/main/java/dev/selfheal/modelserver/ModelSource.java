package dev.selfheal.modelserver;

import dev.selfheal.modelserver.model.FraudModel;

/** Loads the model artifact for a release; production uses {@code ModelLoader::load}. */
@FunctionalInterface
public interface ModelSource {
  /** Loads the model for {@code modelVersion} ({@code v1.0} or {@code v2.0}). */
  FraudModel load(String modelVersion) throws Exception;
}
