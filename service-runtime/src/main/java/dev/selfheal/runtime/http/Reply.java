package dev.selfheal.runtime.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, extra headers, and either a value the server writes as JSON
 * (with the shared mapper) or bytes of a given content type.
 *
 * @param status HTTP status
 * @param json the value to write as JSON, or null
 * @param contentType the content type of {@code bytes}, or null
 * @param bytes a body already encoded, or null
 * @param headers extra response headers
 */
public record Reply(
    int status, Object json, String contentType, byte[] bytes, Map<String, String> headers) {

  /** Checks the status and freezes the headers. */
  public Reply {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100 to 599, got " + status);
    }
    headers = Map.copyOf(headers);
  }

  /** {@code value} as JSON with {@code status}. */
  public static Reply json(int status, Object value) {
    return new Reply(status, value, null, null, Map.of());
  }

  /** {@code body} as it is, with its content type. */
  public static Reply bytes(int status, String contentType, byte[] body) {
    return new Reply(status, null, contentType, body, Map.of());
  }

  /** This reply with one more header. */
  public Reply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Reply(status, json, contentType, bytes, more);
  }
}
