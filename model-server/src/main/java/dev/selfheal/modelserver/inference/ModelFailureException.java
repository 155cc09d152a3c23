package dev.selfheal.modelserver.inference;

/** Inference failed on the server side. Counts as a model error and maps to HTTP 500. */
public final class ModelFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Wraps the underlying failure. */
  public ModelFailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
