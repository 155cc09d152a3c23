package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes JSON responses (always through Jackson), closes the exchange and observes the request
 * duration. Every handler answers through here, so each request is measured exactly once.
 */
public final class Responder {
  private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

  /**
   * Exchange attribute holding {@link System#nanoTime()} at arrival (set by {@link
   * StartTimeFilter}).
   */
  static final String START_ATTRIBUTE = "dev.selfheal.start";

  private final ObjectMapper json;
  private final ErrorMapper errors;
  private final ModelMetrics metrics;

  /** Creates the responder. */
  public Responder(ObjectMapper json, ErrorMapper errors, ModelMetrics metrics) {
    this.json = json;
    this.errors = errors;
    this.metrics = metrics;
  }

  /** Sends {@code body} as JSON with the given status. */
  public void send(HttpExchange exchange, int status, Object body) {
    send(exchange, status, body, Map.of());
  }

  /** Sends {@code body} as JSON with the given status and extra headers. */
  public void send(HttpExchange exchange, int status, Object body, Map<String, String> headers) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("Content-Type", "application/json");
    all.putAll(headers);
    sendBytes(exchange, status, bytes, all);
  }

  /** Sends ready-made bytes; {@code headers} must include {@code Content-Type}. */
  public void sendBytes(
      HttpExchange exchange, int status, byte[] bytes, Map<String, String> headers) {
    try (exchange) {
      headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The client went away or the response was already committed: nothing left to tell it.
      LOG.debug("Could not write response: {}", e.toString());
    } finally {
      observe(exchange, status);
    }
  }

  /** Maps {@code failure} and sends the error body. */
  public void fail(HttpExchange exchange, Throwable failure) {
    ApiException api = errors.map(failure);
    LOG.debug(
        "{} {} -> {} {}",
        exchange.getRequestMethod(),
        exchange.getRequestURI(),
        api.status(),
        api.getMessage());
    send(
        exchange,
        api.status(),
        new ErrorBody(api.getMessage(), api.code(), api.status(), api.field()),
        api.headers());
  }

  /** Records the duration of an exchange answered elsewhere (e.g. by the metrics handler). */
  void observe(HttpExchange exchange, int status) {
    Object start = exchange.getAttribute(START_ATTRIBUTE);
    if (start instanceof Long nanos) {
      metrics.observeHttp(
          exchange.getHttpContext().getPath(), status, (System.nanoTime() - nanos) / 1e9);
    }
  }
}
