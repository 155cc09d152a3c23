package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.modelserver.quality.QualitySnapshot;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;

/** {@code GET /ready}: readiness with every check and its reason; 200 or 503. */
final class ReadyHandler implements Handler {
  private final Probes probes;
  private final QualityMonitor quality;
  private final String version;

  ReadyHandler(Probes probes, QualityMonitor quality, String version) {
    this.probes = probes;
    this.quality = quality;
    this.version = version;
  }

  @Override
  public Reply handle(Request request) {
    ProbeReport report = probes.readiness();
    QualitySnapshot snapshot = quality.snapshot();
    ProbeBody.QualityBody qualityBody =
        Double.isNaN(snapshot.accuracy())
            ? null
            : new ProbeBody.QualityBody(
                snapshot.accuracy(), snapshot.errorRate(), snapshot.degraded());
    return Reply.json(
        report.status(),
        new ProbeBody(
            report.pass() ? "ready" : "not_ready", version, report.checks(), qualityBody));
  }
}
