package dev.selfheal.modelserver.inference;

/**
 * The progress watchdog has declared inference stuck (no progress for longer than the liveness
 * timeout), so new requests are refused at once instead of queueing behind parked threads. Maps to
 * HTTP 503 with the code {@code model_stuck}.
 */
public final class ModelStuckException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public ModelStuckException() {
    super(
        "the model is stuck: inference has made no progress for longer than the liveness timeout;"
            + " liveness (/health) is failing and the kubelet will restart this container");
  }
}
