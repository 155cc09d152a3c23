package dev.selfheal.rollback.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/** Every path that is not an endpoint: 404 with a JSON body listing the endpoints. */
public final class NotFoundHandler implements HttpHandler {

  @Override
  public void handle(HttpExchange exchange) {
    try (exchange) {
      HttpJson.fail(
          exchange,
          new HttpProblem(
              404, "path", "no such endpoint; try POST /alerts, GET /healthz, /readyz, /metrics"));
    }
  }
}
