package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * The outcome of {@link RollbackDecider#decide}.
 *
 * @param outcome roll back or leave alone
 * @param reason why it was ignored (null for a rollback)
 * @param detail human-readable explanation for logs and responses
 * @param from current revision (null when unknown)
 * @param to target revision (rollbacks only)
 * @param target the ReplicaSet whose pod template is restored (rollbacks only)
 * @param dryRun a rollback to decide and report only (the global {@code DRY_RUN} or the
 *     Deployment's own annotation)
 */
public record Decision(
    Outcome outcome,
    Reason reason,
    String detail,
    Revision from,
    Revision to,
    ReplicaSet target,
    boolean dryRun) {

  /** What to do. */
  public enum Outcome {
    ROLLBACK,
    IGNORE
  }

  /** A decision to leave the Deployment alone. */
  public static Decision ignore(Reason reason, String detail) {
    return new Decision(Outcome.IGNORE, reason, detail, null, null, null, false);
  }

  /** A decision to restore {@code target}'s template. */
  public static Decision rollback(Revision from, Revision to, ReplicaSet target, String detail) {
    return rollback(from, to, target, detail, false);
  }

  /** A decision to restore {@code target}'s template, or only to report it when {@code dryRun}. */
  public static Decision rollback(
      Revision from, Revision to, ReplicaSet target, String detail, boolean dryRun) {
    return new Decision(Outcome.ROLLBACK, null, detail, from, to, target, dryRun);
  }

  /** True for a rollback. */
  public boolean isRollback() {
    return outcome == Outcome.ROLLBACK;
  }

  /** Metric/response label: {@code rollback} or the ignore reason. */
  public String label() {
    return isRollback() ? "rollback" : reason.label();
  }
}
