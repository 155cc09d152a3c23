package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.lifecycle.ProbeReport;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.modelserver.quality.QualitySnapshot;

/** {@code GET /ready}: readiness with every check and its reason; 200 or 503. */
final class ReadyHandler implements HttpHandler {
  private final Probes probes;
  private final QualityMonitor quality;
  private final Responder responder;
  private final String version;

  ReadyHandler(Probes probes, QualityMonitor quality, Responder responder, String version) {
    this.probes = probes;
    this.quality = quality;
    this.responder = responder;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requirePath(exchange, "/ready");
      Requests.requireMethod(exchange, "GET");
      ProbeReport report = probes.readiness();
      QualitySnapshot snapshot = quality.snapshot();
      ProbeBody.QualityBody qualityBody =
          Double.isNaN(snapshot.accuracy())
              ? null
              : new ProbeBody.QualityBody(
                  snapshot.accuracy(), snapshot.errorRate(), snapshot.degraded());
      responder.send(
          exchange,
          report.pass() ? 200 : 503,
          new ProbeBody(
              report.pass() ? "ready" : "not_ready", version, report.checks(), qualityBody));
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }
}
