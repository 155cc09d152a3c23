package dev.selfheal.modelserver.inference;

/** The model is not loaded yet. Maps to HTTP 503. */
public final class ModelNotReadyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ModelNotReadyException() {
    super("model is not loaded yet");
  }
}
