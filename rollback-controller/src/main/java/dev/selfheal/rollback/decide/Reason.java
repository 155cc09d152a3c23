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
  PAUSED("deployment_paused"),
  NO_CURRENT_REVISION("no_current_revision"),
  REVISION_UNKNOWN("revision_unknown"),
  STALE_REVISION("stale_revision"),
  STALE_ALERT("stale_alert"),
  OUTSIDE_ROLLOUT_WINDOW("outside_rollout_window"),
  NO_PREVIOUS_REVISION("no_previous_revision"),
  ALREADY_AT_TARGET("already_at_target"),
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
}
