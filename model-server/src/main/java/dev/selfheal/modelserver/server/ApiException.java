package dev.selfheal.modelserver.server;

import java.util.Map;

/**
 * A request the server refuses, with the HTTP status to answer, a stable code, the field at fault
 * (when one is) and extra response headers such as {@code Allow} or {@code Retry-After}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;
  private final transient Map<String, String> headers;

  /** Creates the exception. */
  public ApiException(
      int status, String code, String field, String message, Map<String, String> headers) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  /** 400 naming the field at fault. */
  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "bad_request", field, message, Map.of());
  }

  /** 404 for a path or resource that does not exist. */
  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", null, message, Map.of());
  }

  /** 503 with {@code Retry-After}. */
  public static ApiException unavailable(String code, String message) {
    return new ApiException(503, code, null, message, Map.of("Retry-After", "1"));
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** Stable machine-readable code, e.g. {@code bad_request}. */
  public String code() {
    return code;
  }

  /** JSON field at fault, or null. */
  public String field() {
    return field;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }
}
