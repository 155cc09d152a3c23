package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;

/** {@code GET /health}: liveness. 200 while the process makes progress, 503 when it is stuck. */
final class HealthHandler implements Handler {
  private final Probes probes;
  private final String version;

  HealthHandler(Probes probes, String version) {
    this.probes = probes;
    this.version = version;
  }

  @Override
  public Reply handle(Request request) {
    ProbeReport report = probes.liveness();
    return Reply.json(
        report.status(),
        new ProbeBody(report.pass() ? "alive" : "dead", version, report.checks(), null));
  }
}
