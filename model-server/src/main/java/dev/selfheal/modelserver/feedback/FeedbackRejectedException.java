package dev.selfheal.modelserver.feedback;

import java.util.Map;

/**
 * Feedback the server refuses: the status to answer, a stable code, the field at fault and extra
 * headers (e.g. {@code WWW-Authenticate}). Nothing was recorded.
 */
public final class FeedbackRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;
  private final transient Map<String, String> headers;

  FeedbackRejectedException(
      int status, String code, String field, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** Stable machine-readable code. */
  public String code() {
    return code;
  }

  /** Request field at fault, or null. */
  public String field() {
    return field;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
