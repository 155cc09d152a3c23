package dev.selfheal.rollback.decide;

/** Why a trigger did not lead to a rollback; the label value is bounded for metrics. */
public enum Reason {
  ALERT_RESOLVED("alert_resolved"),
  ALERT_NOT_ALLOWED("alert_not_allowed"),
  NAMESPACE_NOT_ALLOWED("namespace_not_allowed"),
  DEPLOYMENT_NOT_FOUND("deployment_not_found"),
  POD_NOT_FOUND("pod_not_found"),
  NOT_MANAGED_BY_DEPLOYMENT("not_managed_by_deployment"),
  NOT_OPTED_IN("not_opted_in"),
  INVALID_OVERRIDE("invalid_override"),
  PAUSED("deployment_paused"),
  NO_CURRENT_REVISION("no_current_revision"),
  REVISION_UNKNOWN("revision_unknown"),
  STALE_REVISION("stale_revision"),
  STALE_ALERT("stale_alert"),
  OUTSIDE_ROLLOUT_WINDOW("outside_rollout_window"),
  NO_PREVIOUS_REVISION("no_previous_revision"),
  ALREADY_AT_TARGET("already_at_target"),
  REAPPLIED_BAD_REVISION("reapplied_bad_revision"),
  PING_PONG("ping_pong"),
  COOLDOWN("cooldown"),
  RATE_LIMITED("rate_limited"),
  NOT_LEADER("not_leader"),
  INVALID_ALERT("invalid_alert");

  private final String label;

  Reason(String label) {
    this.label = label;
  }

  /** Metric label value. */
  public String label() {
    return label;
  }

  /**
   * Whether the controller stands aside here in a way only a person can resolve (a revision it
   * already rolled back from, a target recorded as bad, a cap, a bad annotation): such a decision
   * is also told in a {@code RollbackWithheld} Event on the Deployment, once per Deployment
   * generation.
   */
  public boolean needsAPerson() {
    return switch (this) {
      case REAPPLIED_BAD_REVISION, PING_PONG, COOLDOWN, RATE_LIMITED, INVALID_OVERRIDE -> true;
      default -> false;
    };
  }
}
