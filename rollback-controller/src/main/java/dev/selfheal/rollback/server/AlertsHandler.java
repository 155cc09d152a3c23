package dev.selfheal.rollback.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.AlertPayloadParser;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /alerts}: Alertmanager's webhook. Checks, in order and before any API call: method,
 * bearer token, content type, body size, JSON and payload version 4, required labels. Only then
 * does each alert go to the {@link Reconciler}; the response lists what happened to each.
 */
public final class AlertsHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AlertsHandler.class);

  private final BearerToken token;
  private final AlertPayloadParser parser;
  private final Reconciler reconciler;
  private final ControllerMetrics metrics;
  private final int maxBodyBytes;

  /**
   * Creates the handler.
   *
   * @param token expected bearer token
   * @param parser payload parser
   * @param reconciler where alerts go
   * @param metrics metrics
   * @param maxBodyBytes largest accepted body
   */
  public AlertsHandler(
      BearerToken token,
      AlertPayloadParser parser,
      Reconciler reconciler,
      ControllerMetrics metrics,
      int maxBodyBytes) {
    this.token = Objects.requireNonNull(token);
    this.parser = Objects.requireNonNull(parser);
    this.reconciler = Objects.requireNonNull(reconciler);
    this.metrics = Objects.requireNonNull(metrics);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpExchange exchange) {
    long received = System.nanoTime();
    int status;
    try (exchange) {
      try {
        status = process(exchange, received);
      } catch (Exception e) {
        status = HttpJson.fail(exchange, e);
      }
    }
    metrics.webhookRequest(status);
  }

  private int process(HttpExchange exchange, long received) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      throw new HttpProblem(405, "method", "use POST");
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (!token.accepts(auth)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"rollback-controller\"");
      throw new HttpProblem(
          401, "Authorization", auth == null ? "missing bearer token" : "invalid bearer token");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new HttpProblem(415, "Content-Type", "Content-Type must be application/json");
    }
    byte[] body = readLimited(exchange);
    AlertNotification notification = parser.parse(body);
    if (!reconciler.leading()) {
      exchange.getResponseHeaders().set("Retry-After", "5");
      throw new HttpProblem(503, null, "not the leader; retry later");
    }
    List<Reconciler.Outcome> outcomes = new ArrayList<>();
    for (AlertNotification.Alert alert : notification.alerts()) {
      outcomes.add(reconciler.handleAlert(alert, received));
    }
    LOG.debug("Processed {} alerts from receiver {}", outcomes.size(), notification.receiver());
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("alerts", notification.alerts().size());
    response.put("outcomes", outcomes);
    HttpJson.send(exchange, 200, response);
    return 200;
  }

  private byte[] readLimited(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    long declared;
    try {
      declared = length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      throw new HttpProblem(400, "Content-Length", "Content-Length is not a number");
    }
    try (InputStream in = exchange.getRequestBody()) {
      if (declared > maxBodyBytes) {
        drain(in);
        throw tooLarge();
      }
      // Chunked bodies have no length up front: read one byte past the limit to detect excess.
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        drain(in);
        throw tooLarge();
      }
      return body;
    }
  }

  /**
   * Reads and discards a bounded amount of an oversized body. Closing a connection with unread
   * input makes TCP reset it, and the client would then never see our 413.
   */
  private void drain(InputStream in) throws IOException {
    byte[] sink = new byte[8192];
    long left = 4L * maxBodyBytes;
    int n;
    while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
      left -= n;
    }
  }

  private HttpProblem tooLarge() {
    return new HttpProblem(413, "body", "body exceeds MAX_BODY_BYTES (" + maxBodyBytes + ")");
  }
}
