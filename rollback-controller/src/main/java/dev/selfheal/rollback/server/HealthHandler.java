package dev.selfheal.rollback.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Map;

/**
 * {@code GET /healthz}: liveness. The process serves HTTP, so it is alive; it checks no dependency,
 * because restarting the controller would not fix an unreachable API server.
 */
public final class HealthHandler implements HttpHandler {

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      HttpJson.send(exchange, 200, Map.of("status", "ok"));
    }
  }
}
