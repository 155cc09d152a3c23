package dev.selfheal.modelserver.lifecycle;

import dev.selfheal.modelserver.faults.ProbeFiles;
import dev.selfheal.runtime.health.Check;
import dev.selfheal.runtime.health.ProbeReport;
import java.time.Duration;
import java.util.List;

/**
 * Computes liveness and readiness from real state. Liveness: is the process making progress (and no
 * manual override)? Readiness: is the self-checked model loaded, are we not shutting down, is the
 * process making progress (and no manual override)? Model quality never gates either: a degraded
 * model is for alerts and rollback, not for restarts.
 */
public final class Probes {
  private final Lifecycle lifecycle;
  private final Heartbeat heartbeat;
  private final Duration livenessTimeout;
  private final ProbeFiles files;
  // The checks whose text never changes, made once: liveness is asked many times a second.
  private final Check unreadyPresent;
  private final Check unreadyAbsent;
  private final Check unhealthyPresent;
  private final Check unhealthyAbsent;
  private final String progressLimit;
  private volatile String selfCheck = "not run yet";

  /** Creates the probes. */
  public Probes(
      Lifecycle lifecycle, Heartbeat heartbeat, Duration livenessTimeout, ProbeFiles files) {
    this.lifecycle = lifecycle;
    this.heartbeat = heartbeat;
    this.livenessTimeout = livenessTimeout;
    this.files = files;
    this.unreadyPresent = file("unready_file", true, files);
    this.unreadyAbsent = file("unready_file", false, files);
    this.unhealthyPresent = file("unhealthy_file", true, files);
    this.unhealthyAbsent = file("unhealthy_file", false, files);
    this.progressLimit = " ms ago (limit " + livenessTimeout.toMillis() + " ms)";
  }

  /** Records the start-up self-check summary shown by readiness. */
  public void selfCheckPassed(String summary) {
    this.selfCheck = summary;
  }

  /** The liveness verdict. */
  public ProbeReport liveness() {
    return ProbeReport.of(
        List.of(progress(), files.unhealthy() ? unhealthyPresent : unhealthyAbsent));
  }

  /** The readiness verdict. */
  public ProbeReport readiness() {
    Phase phase = lifecycle.phase();
    Check model =
        switch (phase) {
          case STARTING -> new Check("model", false, "model loading and self-check in progress");
          default -> new Check("model", true, "loaded and self-checked: " + selfCheck);
        };
    Check accepting =
        phase == Phase.DRAINING || phase == Phase.STOPPED
            ? new Check("accepting_traffic", false, "shutting down, draining in-flight requests")
            : new Check("accepting_traffic", true, "not shutting down");
    return ProbeReport.of(
        List.of(model, accepting, progress(), files.unready() ? unreadyPresent : unreadyAbsent));
  }

  /**
   * True when the watchdog's verdict is "inference is stuck": past start-up, and no progress for
   * longer than the liveness timeout (the same rule that fails liveness).
   */
  public boolean inferenceStuck() {
    return lifecycle.phase() != Phase.STARTING
        && heartbeat.millisSinceLastProgress() > livenessTimeout.toMillis();
  }

  private Check progress() {
    if (lifecycle.phase() == Phase.STARTING) {
      // Not started is not yet live: a startupProbe on /health then waits for the self-checked
      // model, and a start that hangs is restarted when the startupProbe budget runs out.
      return new Check("progress", false, "starting: model loading and self-check in progress");
    }
    long ageMs = heartbeat.millisSinceLastProgress();
    boolean fresh = ageMs <= livenessTimeout.toMillis();
    String reason =
        fresh
            ? "last progress " + ageMs + progressLimit
            : "last progress " + ageMs + progressLimit + ": inference is stuck";
    return new Check("progress", fresh, reason);
  }

  private static Check file(String name, boolean present, ProbeFiles files) {
    String path =
        name.equals("unready_file")
            ? files.unreadyFile().toString()
            : files.unhealthyFile().toString();
    return present
        ? new Check(name, false, path + " exists (manual override)")
        : new Check(name, true, path + " absent");
  }
}
