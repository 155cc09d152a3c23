package dev.selfheal.runtime.http;

import java.util.Map;

/**
 * A request the service refuses: the HTTP status to answer, a stable machine-readable code, the
 * request field at fault (when there is one) and extra response headers such as {@code Allow} or
 * {@code Retry-After}. Every service throws this (or a domain exception its {@link ErrorMapper}
 * turns into this); the server writes it as one {@link ErrorBody}.
 */
public class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String field;
  private final transient Map<String, String> headers;

  /**
   * Creates the error.
   *
   * @param status HTTP status, 400 to 599
   * @param code stable code, e.g. {@code bad_request}
   * @param field the request field or header at fault, or null
   * @param message what went wrong, for the caller
   * @param headers extra response headers
   */
  public HttpError(
      int status, String code, String field, String message, Map<String, String> headers) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 400 to 599, got " + status);
    }
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = Map.copyOf(headers);
  }

  /** 400 naming the field at fault (null when the body as a whole is wrong). */
  public static HttpError badRequest(String field, String message) {
    return new HttpError(400, "bad_request", field, message, Map.of());
  }

  /** 404 for a path or resource that does not exist. */
  public static HttpError notFound(String message) {
    return new HttpError(404, "not_found", null, message, Map.of());
  }

  /** 503 with {@code Retry-After: 1}. */
  public static HttpError unavailable(String code, String message) {
    return new HttpError(503, code, null, message, Map.of("Retry-After", "1"));
  }

  /** 413 for a body over {@code maxBytes}. */
  public static HttpError tooLarge(int maxBytes) {
    return tooLarge("request body exceeds " + maxBytes + " bytes");
  }

  /**
   * 413 for a body too large in some other sense, e.g. once decompressed; the field is {@code
   * body}.
   */
  public static HttpError tooLarge(String message) {
    return new HttpError(413, "payload_too_large", "body", message, Map.of());
  }

  /**
   * 415 for a content type or content encoding the service does not accept.
   *
   * @param field the header at fault, e.g. {@code Content-Encoding}
   * @param message what was sent and what is accepted
   */
  public static HttpError unsupportedMedia(String field, String message) {
    return new HttpError(415, "unsupported_media_type", field, message, Map.of());
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** Stable machine-readable code. */
  public String code() {
    return code;
  }

  /** The request field or header at fault, or null. */
  public String field() {
    return field;
  }

  /** Extra response headers. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The JSON body of this error. */
  public ErrorBody body() {
    return new ErrorBody(getMessage(), code, status, field);
  }
}
