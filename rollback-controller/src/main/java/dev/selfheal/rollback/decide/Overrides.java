package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Per-Deployment settings, read from the Deployment's own annotations, over the controller-wide
 * {@link RollbackPolicy}. An annotation can make the controller more careful or change one
 * Deployment's timing, never lift a global guard: the global {@code DRY_RUN}, the namespace and
 * alert allowlists and the hourly cap over all Deployments always apply.
 *
 * <ul>
 *   <li>{@value #DRY_RUN}: {@code "true"} decides and reports without patching this Deployment
 *       ({@code "false"} cannot undo a global {@code DRY_RUN=true}).
 *   <li>{@value #COOLDOWN}: seconds between two rollbacks of this Deployment.
 *   <li>{@value #ROLLOUT_WINDOW}: seconds after its rollout's last step that a revision may be
 *       rolled back.
 *   <li>{@value #MAX_PER_HOUR}: rollbacks of this Deployment in any sliding hour.
 * </ul>
 *
 * <p>An annotation with a value that is not what it needs makes the Deployment's decisions {@link
 * Reason#INVALID_OVERRIDE} until it is fixed: guessing could patch a Deployment whose owner asked
 * for a dry run.
 *
 * @param dryRun decide only, for this Deployment
 * @param cooldown minimum time between two rollbacks of this Deployment
 * @param rolloutWindow how long after its rollout's last step a revision may be rolled back
 * @param maxPerHour cap on rollbacks of this Deployment in any sliding hour
 */
public record Overrides(boolean dryRun, Duration cooldown, Duration rolloutWindow, int maxPerHour) {

  /** Prefix of every per-Deployment setting. */
  public static final String PREFIX = "rollback.selfheal.dev/";

  /** Annotation: {@code "true"} for a dry run of this Deployment only. */
  public static final String DRY_RUN = PREFIX + "dry-run";

  /** Annotation: cooldown in seconds for this Deployment. */
  public static final String COOLDOWN = PREFIX + "cooldown-seconds";

  /** Annotation: rollout window in seconds for this Deployment. */
  public static final String ROLLOUT_WINDOW = PREFIX + "rollout-window-seconds";

  /** Annotation: most rollbacks of this Deployment in any sliding hour. */
  public static final String MAX_PER_HOUR = PREFIX + "max-rollbacks-per-hour";

  /** Largest accepted number of seconds (a week): beyond it a value is a typo, not a choice. */
  static final long MAX_SECONDS = 7 * 24 * 3600;

  /**
   * The settings for one Deployment.
   *
   * @param deployment the Deployment as read now
   * @param policy the controller-wide settings
   * @return the settings, or the problem with one annotation (its name first)
   */
  public static Result of(Deployment deployment, RollbackPolicy policy) {
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    try {
      boolean dryRun = policy.dryRun() || bool(a, DRY_RUN);
      Duration cooldown = seconds(a, COOLDOWN, policy.cooldown(), 0);
      Duration window = seconds(a, ROLLOUT_WINDOW, policy.rolloutWindow(), 1);
      int maxPerHour =
          (int) number(a, MAX_PER_HOUR, policy.maxRollbacksPerDeploymentPerHour(), 1, 1000);
      return new Result(new Overrides(dryRun, cooldown, window, maxPerHour), null);
    } catch (IllegalArgumentException e) {
      return new Result(null, e.getMessage());
    }
  }

  /**
   * The rollout window of {@code deployment}: its annotation when valid, else {@code fallback}. For
   * the watch, which only narrows what reaches the decider; the decider reports a bad value.
   */
  public static Duration rolloutWindow(Deployment deployment, Duration fallback) {
    Map<String, String> a = deployment.getMetadata().getAnnotations();
    try {
      return a == null ? fallback : seconds(a, ROLLOUT_WINDOW, fallback, 1);
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  /**
   * Either the settings or what is wrong with them.
   *
   * @param overrides the settings, or null when an annotation is invalid
   * @param problem what is wrong, naming the annotation, or null
   */
  public record Result(Overrides overrides, String problem) {

    /** The settings when every annotation is valid. */
    public Optional<Overrides> valid() {
      return Optional.ofNullable(overrides);
    }
  }

  private static boolean bool(Map<String, String> a, String key) {
    String raw = a.get(key);
    if (raw == null) {
      return false;
    }
    return switch (raw.strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "annotation " + key + " must be \"true\" or \"false\", not \"" + clip(raw) + "\"");
    };
  }

  private static Duration seconds(Map<String, String> a, String key, Duration fallback, long min) {
    if (!a.containsKey(key)) {
      return fallback;
    }
    return Duration.ofSeconds(number(a, key, fallback.toSeconds(), min, MAX_SECONDS));
  }

  private static long number(Map<String, String> a, String key, long fallback, long min, long max) {
    String raw = a.get(key);
    if (raw == null) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "annotation " + key + " must be a whole number, not \"" + clip(raw) + "\"");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "annotation " + key + " must be between " + min + " and " + max + ", not " + value);
    }
    return value;
  }

  private static String clip(String raw) {
    return raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
  }
}
