package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.lifecycle.ProbeReport;
import dev.selfheal.modelserver.lifecycle.Probes;

/** {@code GET /health}: liveness. 200 while the process makes progress, 503 when it is stuck. */
final class HealthHandler implements HttpHandler {
  private final Probes probes;
  private final Responder responder;
  private final String version;

  HealthHandler(Probes probes, Responder responder, String version) {
    this.probes = probes;
    this.responder = responder;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requirePath(exchange, "/health");
      Requests.requireMethod(exchange, "GET");
      ProbeReport report = probes.liveness();
      responder.send(
          exchange,
          report.pass() ? 200 : 503,
          new ProbeBody(report.pass() ? "alive" : "dead", version, report.checks(), null));
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }
}
