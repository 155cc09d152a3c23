package dev.selfheal.modelserver.lifecycle;

import dev.selfheal.modelserver.faults.ProbeFiles;
import dev.selfheal.runtime.health.Check;
import dev.selfheal.runtime.health.Probe;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.health.Progress;

/**
 * The model server's liveness and readiness checks, from real state. Liveness: is the process
 * making progress (and no manual override)? Readiness: is the self-checked model loaded, are we not
 * shutting down, is the process making progress (and no manual override)? Model quality never gates
 * either: a degraded model is for alerts and rollback, not for restarts. The HTTP layer adds its
 * body fields to {@link #livenessProbe()} and {@link #readinessProbe()}.
 */
public final class Probes {
  private final Lifecycle lifecycle;
  private final Progress progress;
  // The checks whose text never changes, made once: liveness is asked many times a second.
  private final Check unreadyPresent;
  private final Check unreadyAbsent;
  private final Check unhealthyPresent;
  private final Check unhealthyAbsent;
  private final ProbeFiles files;
  private final Probe liveness;
  private final Probe readiness;
  private volatile String selfCheck = "not run yet";

  /**
   * Creates the probes.
   *
   * @param progress beaten by every completed inference and the watchdog's canary; its stall
   *     threshold is the liveness timeout
   */
  public Probes(Lifecycle lifecycle, Progress progress, ProbeFiles files) {
    this.lifecycle = lifecycle;
    this.progress = progress;
    this.files = files;
    this.unreadyPresent = file("unready_file", true, files);
    this.unreadyAbsent = file("unready_file", false, files);
    this.unhealthyPresent = file("unhealthy_file", true, files);
    this.unhealthyAbsent = file("unhealthy_file", false, files);
    this.liveness = livenessProbe().build();
    this.readiness = readinessProbe().build();
  }

  /** Records the start-up self-check summary shown by readiness. */
  public void selfCheckPassed(String summary) {
    this.selfCheck = summary;
  }

  /** {@code /health}: status {@code alive}/{@code dead} and the liveness checks. */
  public Probe.Builder livenessProbe() {
    return Probe.builder("alive", "dead")
        .check("progress", this::progress)
        .check("unhealthy_file", () -> files.unhealthy() ? unhealthyPresent : unhealthyAbsent);
  }

  /** {@code /ready}: status {@code ready}/{@code not_ready} and the readiness checks. */
  public Probe.Builder readinessProbe() {
    return Probe.builder("ready", "not_ready")
        .check("model", this::model)
        .check("accepting_traffic", this::accepting)
        .check("progress", this::progress)
        .check("unready_file", () -> files.unready() ? unreadyPresent : unreadyAbsent);
  }

  /** The liveness verdict. */
  public ProbeReport liveness() {
    return liveness.report();
  }

  /** The readiness verdict. */
  public ProbeReport readiness() {
    return readiness.report();
  }

  /**
   * True when the watchdog's verdict is "inference is stuck": past start-up, and no progress for
   * longer than the liveness timeout (the same rule that fails liveness).
   */
  public boolean inferenceStuck() {
    return lifecycle.phase() != Phase.STARTING && progress.stalled();
  }

  private Check model() {
    return lifecycle.phase() == Phase.STARTING
        ? Check.failing("model", "model loading and self-check in progress")
        : Check.passing("model", "loaded and self-checked: " + selfCheck);
  }

  private Check accepting() {
    Phase phase = lifecycle.phase();
    return phase == Phase.DRAINING || phase == Phase.STOPPED
        ? Check.failing("accepting_traffic", "shutting down, draining in-flight requests")
        : Check.passing("accepting_traffic", "not shutting down");
  }

  private Check progress() {
    if (lifecycle.phase() == Phase.STARTING) {
      // Not started is not yet live: a startupProbe on /health then waits for the self-checked
      // model, and a start that hangs is restarted when the startupProbe budget runs out.
      return Check.failing("progress", "starting: model loading and self-check in progress");
    }
    return progress.check();
  }

  private static Check file(String name, boolean present, ProbeFiles files) {
    String path =
        name.equals("unready_file")
            ? files.unreadyFile().toString()
            : files.unhealthyFile().toString();
    return present
        ? Check.failing(name, path + " exists (manual override)")
        : Check.passing(name, path + " absent");
  }
}
