package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;

/**
 * {@code GET /metrics}: the client library's own handler (content negotiation, every exposition
 * format), timed like every other endpoint. Never touches the model, so it keeps answering while
 * inference is stuck and alerts keep firing.
 */
final class MetricsEndpoint implements HttpHandler {
  private final MetricsHandler delegate;
  private final Responder responder;

  MetricsEndpoint(MetricsHandler delegate, Responder responder) {
    this.delegate = delegate;
    this.responder = responder;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestURI().getPath().equals("/metrics")) {
      responder.fail(exchange, ApiException.notFound("no such path: " + exchange.getRequestURI()));
      return;
    }
    delegate.handle(exchange);
    responder.observe(exchange, exchange.getResponseCode());
  }
}
