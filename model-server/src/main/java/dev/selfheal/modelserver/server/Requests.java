package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/** Request checks shared by handlers: method, path, content type and a bounded body read. */
final class Requests {
  private Requests() {}

  /** 405 with {@code Allow} unless the method is one of {@code allowed}. */
  static void requireMethod(HttpExchange exchange, String... allowed) {
    String method = exchange.getRequestMethod();
    for (String candidate : allowed) {
      if (candidate.equals(method)) {
        return;
      }
    }
    throw new ApiException(
        405,
        "method_not_allowed",
        null,
        "method " + method + " is not allowed here",
        Map.of("Allow", String.join(", ", allowed)));
  }

  /** 404 unless the request path is exactly {@code path}. */
  static void requirePath(HttpExchange exchange, String path) {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      throw ApiException.notFound("no such path: " + exchange.getRequestURI().getPath());
    }
  }

  /** 415 unless the body is declared as JSON. */
  static void requireJson(HttpExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new ApiException(
          415,
          "unsupported_media_type",
          null,
          "Content-Type must be application/json, got "
              + (type == null ? "none" : "'" + type + "'"),
          Map.of("Accept", "application/json"));
    }
  }

  /** Reads the body, refusing with 413 anything larger than {@code maxBytes}. */
  static byte[] body(HttpExchange exchange, int maxBytes) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    // Read exactly the declared length when there is one (no 8 KB scratch buffers per request);
    // one byte more than allowed otherwise, to tell "too large" from "exactly at the limit".
    int toRead = maxBytes + 1;
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(null, "invalid Content-Length");
      }
      if (length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      toRead = (int) Math.max(0, length);
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(toRead);
      if (bytes.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return bytes;
    }
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(
        413, "payload_too_large", null, "request body exceeds " + maxBytes + " bytes", Map.of());
  }
}
