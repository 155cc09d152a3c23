package dev.selfheal.rollback.health;

import dev.selfheal.runtime.health.Check;
import dev.selfheal.runtime.health.Probe;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.health.Progress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The controller's two probes, declared on the shared {@code runtime.health} model and served by
 * its {@code ProbeHandler}.
 *
 * <ul>
 *   <li>{@code /health} (liveness) checks only what a restart can fix: that the watch worker makes
 *       progress (idle while not leading) and that no alert worker is stuck on one delivery. The
 *       API server is deliberately absent: restarting the controller would not bring it back.
 *   <li>{@code /ready} (readiness) passes only while this instance leads (its memory of earlier
 *       rollbacks restored) and its watch caches are synced, so the Service sends Alertmanager's
 *       webhooks to the leader and nowhere else. Its body keeps the controller's own layout, {@code
 *       ready}, {@code leader}, {@code watchSynced} and, when not ready, {@code reason}.
 * </ul>
 */
public final class ControllerProbes {
  private ControllerProbes() {}

  /** {@code /health}: status {@code alive}/{@code dead} and the checks of both kinds of worker. */
  public static Probe liveness(Progress watchWorker, BusyWorkers alertWorkers) {
    return Probe.builder("alive", "dead")
        .check("watch_worker", watchWorker::check)
        .check("alert_workers", alertWorkers::check)
        .build();
  }

  /**
   * {@code /ready}: 200 while leading and synced, with the controller's own body.
   *
   * @param leading whether this instance acts (holds the Lease, memory restored)
   * @param synced whether the watch caches are synced (true when the watch is off)
   * @param notLeadingReason why it does not act
   */
  public static Probe readiness(
      BooleanSupplier leading, BooleanSupplier synced, Supplier<String> notLeadingReason) {
    return Probe.builder("ready", "not_ready")
        .check(
            "leader",
            () ->
                leading.getAsBoolean()
                    ? Check.passing("leader", "leading")
                    : Check.failing("leader", notLeadingReason.get()))
        .check(
            "watch_synced",
            () ->
                Check.of(
                    "watch_synced",
                    synced.getAsBoolean(),
                    "watch caches synced",
                    "watch caches not synced yet"))
        .layout(ControllerProbes::readyBody)
        .build();
  }

  private static Map<String, Object> readyBody(ProbeReport report) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", report.pass());
    body.put("leader", report.passed("leader"));
    body.put("watchSynced", report.passed("watch_synced"));
    // The leader's reason first, as before: a standby's caches are never synced.
    report.firstFailure().ifPresent(failed -> body.put("reason", failed.reason()));
    return body;
  }
}
