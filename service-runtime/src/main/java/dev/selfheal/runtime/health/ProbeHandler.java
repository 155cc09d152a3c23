package dev.selfheal.runtime.health;

import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Objects;

/**
 * Answers a probe path ({@code /health}, {@code /ready}, {@code /startup}) with its {@link Probe}:
 * 200 when every check passes, 503 otherwise, with the probe's JSON body. It runs on the event loop
 * (checks only read state), so a probe answers even when every worker is busy.
 */
public final class ProbeHandler implements Handler {
  private final Probe probe;

  /** Serves {@code probe}. */
  public ProbeHandler(Probe probe) {
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  public Reply handle(Request request) {
    ProbeReport report = probe.report();
    return Reply.json(report.status(), probe.body(report));
  }
}
