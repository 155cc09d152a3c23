package dev.selfheal.rollback.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
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
    Duration retryPeriod) {

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
    namespaces = Set.copyOf(namespaces);
    alertNames = Set.copyOf(alertNames);
  }

  /**
   * Reads the configuration from environment variables.
   *
   * @param env usually {@code System.getenv()}
   * @return the validated configuration
   * @throws IllegalArgumentException naming the variable when a value is missing or invalid
   */
  public static ControllerConfig fromEnv(Map<String, String> env) {
    String namespaceDefault = env.getOrDefault("POD_NAMESPACE", "default");
    return new ControllerConfig(
        intVar(env, "PORT", 8080),
        token(env),
        csv(env, "ALLOWED_NAMESPACES", "default"),
        csv(env, "ALERT_NAMES", DEFAULT_ALERT_NAMES),
        boolVar(env, "DRY_RUN", false),
        seconds(env, "COOLDOWN_SECONDS", 600),
        intVar(env, "MAX_ROLLBACKS_PER_HOUR", 3),
        intVar(env, "MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR", 2),
        intVar(env, "MAX_BODY_BYTES", 1 << 20),
        intVar(env, "MAX_ALERTS_PER_REQUEST", 200),
        boolVar(env, "WATCH_ENABLED", true),
        intVar(env, "CRASHLOOP_RESTARTS", 3),
        seconds(env, "UNREADY_SECONDS", 180),
        seconds(env, "ROLLOUT_WINDOW_SECONDS", 900),
        seconds(env, "RESYNC_SECONDS", 10),
        boolVar(env, "LEADER_ELECTION", true),
        env.getOrDefault("LEASE_NAME", "rollback-controller"),
        env.getOrDefault("LEASE_NAMESPACE", namespaceDefault),
        env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "rollback-controller")),
        seconds(env, "LEASE_DURATION_SECONDS", 15),
        seconds(env, "RENEW_DEADLINE_SECONDS", 10),
        seconds(env, "RETRY_PERIOD_SECONDS", 2));
  }

  /**
   * The token from the file {@code WEBHOOK_TOKEN_FILE} (a mounted Secret: {@code kubectl create
   * secret --from-file} keeps a trailing newline, which is stripped), else {@code WEBHOOK_TOKEN}.
   */
  private static String token(Map<String, String> env) {
    String file = env.get("WEBHOOK_TOKEN_FILE");
    if (file == null || file.isBlank()) {
      return env.get("WEBHOOK_TOKEN");
    }
    try {
      byte[] raw = Files.readAllBytes(Path.of(file.strip()));
      require(raw.length <= 4096, "WEBHOOK_TOKEN_FILE " + file + " is larger than 4096 bytes");
      return new String(raw, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "WEBHOOK_TOKEN_FILE " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static int intVar(Map<String, String> env, String name, int fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + raw + "'", e);
    }
  }

  private static Duration seconds(Map<String, String> env, String name, int fallback) {
    int value = intVar(env, name, fallback);
    require(value >= 0, name + " must be >= 0");
    return Duration.ofSeconds(value);
  }

  private static boolean boolVar(Map<String, String> env, String name, boolean fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    return switch (raw.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, got '" + raw + "'");
    };
  }

  private static Set<String> csv(Map<String, String> env, String name, String fallback) {
    String raw = env.get(name);
    String value = raw == null || raw.isBlank() ? fallback : raw;
    Set<String> items = new LinkedHashSet<>();
    Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .forEach(items::add);
    return items;
  }
}
