package dev.selfheal.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The answers written below Vert.x, straight onto a connection's channel, as complete HTTP/1.1
 * responses with the JSON error body and {@code Connection: close}; encoded once per server.
 *
 * @param headerTimeout 408: request head not complete within the header deadline
 * @param tooManyConnections 503: the connection table is full
 * @param version 505: an HTTP version other than 1.0 and 1.1
 * @param tooManyPipelined 429: more requests sent ahead of their answers than the layer holds
 * @param badChunk 400: broken chunk framing in a chunked body
 * @param shuttingDown 503: a drain ended while the request head was still arriving
 */
record RawAnswers(
    RawAnswer headerTimeout,
    RawAnswer tooManyConnections,
    RawAnswer version,
    RawAnswer tooManyPipelined,
    RawAnswer badChunk,
    RawAnswer shuttingDown) {

  /** One such answer: its status (for the request metrics) and its bytes. */
  record RawAnswer(int status, byte[] bytes) {}

  /** The answers for {@code limits}, written with {@code json}. */
  static RawAnswers of(HttpLimits limits, ObjectMapper json) {
    return new RawAnswers(
        encode(
            json,
            "Request Timeout",
            new HttpError(
                408,
                "request_timeout",
                null,
                "request head not complete within " + limits.headerTimeout().toMillis() + " ms",
                Map.of())),
        encode(
            json,
            "Service Unavailable",
            new HttpError(
                503,
                "too_many_connections",
                null,
                "more than " + limits.maxConnections() + " open connections",
                Map.of())),
        encode(
            json,
            "HTTP Version Not Supported",
            new HttpError(
                505,
                "http_version_not_supported",
                null,
                "only HTTP/1.0 and HTTP/1.1 are served",
                Map.of())),
        encode(
            json,
            "Too Many Requests",
            new HttpError(
                429,
                "too_many_pipelined_requests",
                null,
                "more than "
                    + RequestFlow.MAX_PIPELINED
                    + " requests sent ahead of their answers on one connection",
                Map.of())),
        encode(
            json,
            "Bad Request",
            HttpError.badRequest("body", "malformed chunked body (chunk size line)")),
        encode(
            json,
            "Service Unavailable",
            new HttpError(
                503,
                "shutting_down",
                null,
                "the server is shutting down and the request head was not complete",
                Map.of())));
  }

  private static RawAnswer encode(ObjectMapper json, String reason, HttpError error) {
    try {
      byte[] body = json.writeValueAsBytes(error.body());
      String head =
          "HTTP/1.1 "
              + error.status()
              + " "
              + reason
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\nConnection: close\r\n\r\n";
      byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
      byte[] all = new byte[headBytes.length + body.length];
      System.arraycopy(headBytes, 0, all, 0, headBytes.length);
      System.arraycopy(body, 0, all, headBytes.length, body.length);
      return new RawAnswer(error.status(), all);
    } catch (Exception e) {
      throw new IllegalStateException("cannot encode an error body", e);
    }
  }
}
