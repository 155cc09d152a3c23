package dev.selfheal.modelserver.oip;

/**
 * An Open Inference Protocol request the server refuses: 400 for a malformed or invalid request
 * (naming the tensor at fault when there is one), 413 for a body too large once decompressed, 415
 * for a content type or encoding the server does not speak. The error mapper answers it with the
 * protocol's error body, {@code {"error": "..."}}.
 */
public final class OipException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String tensor;

  private OipException(int status, String tensor, String message) {
    super(message);
    this.status = status;
    this.tensor = tensor;
  }

  /** 400 for an invalid request; {@code tensor} names the tensor at fault, or is null. */
  public static OipException badRequest(String tensor, String message) {
    return new OipException(400, tensor, message);
  }

  /** 413: the (decompressed) body is larger than the limit. */
  public static OipException tooLarge(int maxBytes) {
    return new OipException(
        413, null, "request body exceeds " + maxBytes + " bytes once decompressed");
  }

  /** 415: a content type or content encoding the server does not accept. */
  public static OipException unsupportedMedia(String message) {
    return new OipException(415, null, message);
  }

  /** HTTP status to answer. */
  public int status() {
    return status;
  }

  /** The tensor at fault, or null. */
  public String tensor() {
    return tensor;
  }
}
