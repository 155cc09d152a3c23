package dev.selfheal.rollback.config;

import dev.selfheal.runtime.config.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Immutable configuration of the rollback controller, read once from the environment by {@code
 * Main}. Every setting has the name of the environment variable that sets it in the error message
 * when it is invalid, so a bad Deployment manifest fails at start with a clear reason.
 *
 * @param port HTTP port for /alerts, /healthz, /readyz and /metrics ({@code PORT})
 * @param webhookToken bearer token Alertmanager must send, stripped of surrounding whitespace (read
 *     from the file {@code WEBHOOK_TOKEN_FILE}, else {@code WEBHOOK_TOKEN}; required)
 * @param namespaces namespaces the controller may act in ({@code ALLOWED_NAMESPACES})
 * @param alertNames alert names that may trigger a rollback ({@code ALERT_NAMES})
 * @param dryRun decide and log, never write ({@code DRY_RUN})
 * @param cooldown minimum time between two rollbacks of one Deployment ({@code COOLDOWN_SECONDS})
 * @param maxRollbacksPerHour global cap over all Deployments ({@code MAX_ROLLBACKS_PER_HOUR})
 * @param maxRollbacksPerDeploymentPerHour cap for each Deployment ({@code
 *     MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR})
 * @param maxBodyBytes largest accepted webhook body ({@code MAX_BODY_BYTES})
 * @param maxAlertsPerRequest most alerts accepted in one webhook request ({@code
 *     MAX_ALERTS_PER_REQUEST})
 * @param watchEnabled run the failed-rollout watch ({@code WATCH_ENABLED})
 * @param crashLoopRestarts restarts of a new-revision container that count as a crash loop ({@code
 *     CRASHLOOP_RESTARTS})
 * @param unreadyAfter how long half the new revision's started pods may stay unready, raised to the
 *     Deployment's progressDeadlineSeconds ({@code UNREADY_SECONDS})
 * @param rolloutWindow how long after the current revision's rollout last moved (its Progressing
 *     condition) pod signals and alerts still count ({@code ROLLOUT_WINDOW_SECONDS})
 * @param resync period of the watch's re-evaluation of every watched Deployment ({@code
 *     RESYNC_SECONDS})
 * @param leaderElection take part in leader election through a Lease ({@code LEADER_ELECTION})
 * @param leaseName name of the Lease ({@code LEASE_NAME})
 * @param leaseNamespace namespace of the Lease ({@code LEASE_NAMESPACE}, else {@code
 *     POD_NAMESPACE})
 * @param identity this instance's identity in the Lease ({@code POD_NAME}, else {@code HOSTNAME})
 * @param leaseDuration Lease duration ({@code LEASE_DURATION_SECONDS})
 * @param renewDeadline leader renew deadline ({@code RENEW_DEADLINE_SECONDS})
 * @param retryPeriod leader election retry period ({@code RETRY_PERIOD_SECONDS})
 * @param workerStall how long the watch worker may go without progress, or an alert worker stay
 *     busy on one delivery, before liveness fails ({@code WORKER_STALL_SECONDS})
 */
public record ControllerConfig(
    int port,
    String webhookToken,
    Set<String> namespaces,
    Set<String> alertNames,
    boolean dryRun,
    Duration cooldown,
    int maxRollbacksPerHour,
    int maxRollbacksPerDeploymentPerHour,
    int maxBodyBytes,
    int maxAlertsPerRequest,
    boolean watchEnabled,
    int crashLoopRestarts,
    Duration unreadyAfter,
    Duration rolloutWindow,
    Duration resync,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Duration workerStall) {

  /** Alerts of the model-health group that mean "this revision is bad". */
  public static final String DEFAULT_ALERT_NAMES =
      "ModelAccuracyLow,ModelDegraded,ModelErrorRateHigh";

  /** Shortest accepted webhook token; shorter secrets are guessable. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * The token earlier versions of the lab documented and committed. It is public, so it is refused:
   * generate one at install (EXERCISES.md shows the command).
   */
  public static final String PLACEHOLDER_TOKEN = "lab-rollback-token-change-me";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern ALERT_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** Validates relations between settings; each message names the environment variable. */
  public ControllerConfig {
    require(port >= 0 && port <= 65535, "PORT must be between 0 and 65535");
    require(
        webhookToken != null && webhookToken.strip().length() >= MIN_TOKEN_LENGTH,
        "WEBHOOK_TOKEN_FILE (or WEBHOOK_TOKEN) is required and must hold at least "
            + MIN_TOKEN_LENGTH
            + " characters");
    webhookToken = webhookToken.strip();
    require(
        !webhookToken.equals(PLACEHOLDER_TOKEN),
        "WEBHOOK_TOKEN_FILE (or WEBHOOK_TOKEN) holds the published placeholder token "
            + PLACEHOLDER_TOKEN
            + "; generate a secret token at install (see EXERCISES.md)");
    require(
        webhookToken.chars().noneMatch(c -> c < 0x21 || c > 0x7e),
        "WEBHOOK_TOKEN_FILE (or WEBHOOK_TOKEN) must be printable ASCII without spaces");
    require(!namespaces.isEmpty(), "ALLOWED_NAMESPACES must name at least one namespace");
    for (String ns : namespaces) {
      require(DNS_LABEL.matcher(ns).matches(), "ALLOWED_NAMESPACES has an invalid name: " + ns);
    }
    require(!alertNames.isEmpty(), "ALERT_NAMES must name at least one alert");
    for (String name : alertNames) {
      require(ALERT_NAME.matcher(name).matches(), "ALERT_NAMES has an invalid name: " + name);
    }
    require(!cooldown.isNegative(), "COOLDOWN_SECONDS must be >= 0");
    require(maxRollbacksPerHour >= 1, "MAX_ROLLBACKS_PER_HOUR must be >= 1");
    require(
        maxRollbacksPerDeploymentPerHour >= 1,
        "MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR must be >= 1");
    require(maxBodyBytes >= 1024, "MAX_BODY_BYTES must be >= 1024");
    require(
        maxAlertsPerRequest >= 1 && maxAlertsPerRequest <= 10_000,
        "MAX_ALERTS_PER_REQUEST must be between 1 and 10000");
    require(crashLoopRestarts >= 1, "CRASHLOOP_RESTARTS must be >= 1");
    require(unreadyAfter.getSeconds() >= 1, "UNREADY_SECONDS must be >= 1");
    require(rolloutWindow.getSeconds() >= 1, "ROLLOUT_WINDOW_SECONDS must be >= 1");
    require(resync.toMillis() >= 100, "RESYNC_SECONDS must be > 0");
    require(DNS_LABEL.matcher(leaseNamespace).matches(), "LEASE_NAMESPACE is not a valid name");
    require(!leaseName.isBlank(), "LEASE_NAME must not be blank");
    require(!identity.isBlank(), "POD_NAME (or HOSTNAME) must identify this instance");
    require(
        leaseDuration.compareTo(renewDeadline) > 0,
        "LEASE_DURATION_SECONDS must be greater than RENEW_DEADLINE_SECONDS");
    // fabric8's LeaderElector requires renewDeadline > retryPeriod * 1.2 (its jitter factor).
    require(
        renewDeadline.toMillis() > retryPeriod.toMillis() * 1.2,
        "RENEW_DEADLINE_SECONDS must be greater than 1.2 x RETRY_PERIOD_SECONDS");
    require(workerStall.toMillis() >= 1000, "WORKER_STALL_SECONDS must be >= 1");
    namespaces = Set.copyOf(namespaces);
    alertNames = Set.copyOf(alertNames);
  }

  /**
   * Reads the configuration from environment variables with the runtime's {@link EnvReader}, so the
   * controller parses values as the other services do: unset or blank means the default, booleans
   * are {@code true}/{@code false} (or {@code 1}/{@code 0}, {@code yes}/{@code no}), durations in
   * seconds may have fractions ({@code 1.5}).
   *
   * @param env usually {@code System.getenv()}
   * @return the validated configuration
   * @throws IllegalArgumentException naming the variable when a value is missing or invalid
   */
  public static ControllerConfig fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
    int max = Integer.MAX_VALUE;
    return new ControllerConfig(
        in.integer("PORT", 8080, 0, 65535),
        // WEBHOOK_TOKEN_FILE is a mounted Secret; WEBHOOK_TOKEN is for local runs.
        in.secret("WEBHOOK_TOKEN"),
        Set.copyOf(in.list("ALLOWED_NAMESPACES", "default")),
        Set.copyOf(in.list("ALERT_NAMES", DEFAULT_ALERT_NAMES)),
        in.bool("DRY_RUN", false),
        in.seconds("COOLDOWN_SECONDS", Duration.ofMinutes(10), true),
        in.integer("MAX_ROLLBACKS_PER_HOUR", 3, 1, max),
        in.integer("MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR", 2, 1, max),
        in.integer("MAX_BODY_BYTES", 1 << 20, 1024, max),
        in.integer("MAX_ALERTS_PER_REQUEST", 200, 1, 10_000),
        in.bool("WATCH_ENABLED", true),
        in.integer("CRASHLOOP_RESTARTS", 3, 1, max),
        in.seconds("UNREADY_SECONDS", Duration.ofSeconds(180), false),
        in.seconds("ROLLOUT_WINDOW_SECONDS", Duration.ofSeconds(900), false),
        in.seconds("RESYNC_SECONDS", Duration.ofSeconds(10), false),
        in.bool("LEADER_ELECTION", true),
        in.string("LEASE_NAME", "rollback-controller"),
        in.string("LEASE_NAMESPACE", in.string("POD_NAMESPACE", "default")),
        in.string("POD_NAME", in.string("HOSTNAME", "rollback-controller")),
        // Zero is left to the relation checks above, which name both settings.
        in.seconds("LEASE_DURATION_SECONDS", Duration.ofSeconds(15), true),
        in.seconds("RENEW_DEADLINE_SECONDS", Duration.ofSeconds(10), true),
        in.seconds("RETRY_PERIOD_SECONDS", Duration.ofSeconds(2), true),
        // Zero is left to the check above, which states the real lower bound.
        in.seconds("WORKER_STALL_SECONDS", Duration.ofSeconds(300), true));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
