package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.Optional;

/**
 * Rules about the signal: is it about the current revision, and is it newer than that revision and
 * than the last rollback? A late signal about a revision a person or GitOps already replaced must
 * not act.
 */
final class SignalCheck {

  private SignalCheck() {}

  /** The first of these rules that refuses {@code trigger}, or empty when the signal is valid. */
  static Optional<Decision> refusal(Observed seen, Trigger trigger, Memory memory) {
    return aboutTheRevision(seen.from(), trigger).or(() -> aboutTheTime(seen, trigger, memory));
  }

  /** Whether the signal names the current revision, by template hash or by ReplicaSet. */
  private static Optional<Decision> aboutTheRevision(Revision from, Trigger trigger) {
    if (trigger.kind() == Trigger.Kind.ALERT
        && trigger.replicaSet() == null
        && trigger.templateHash() == null) {
      // Without the revision the alert is about, a late alert could undo a manual rollback or a
      // GitOps revert and redeploy the bad release: refuse rather than guess.
      return Optional.of(
          Decision.ignore(
              Reason.REVISION_UNKNOWN,
              "the alert names neither a running pod nor a pod_template_hash label, so the revision"
                  + " it is about is unknown"));
    }
    if (trigger.templateHash() != null && !trigger.templateHash().equals(from.templateHash())) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_REVISION,
              "signal is about the revision with pod-template-hash "
                  + trigger.templateHash()
                  + " but the current one is "
                  + from.templateHash()
                  + " (revision "
                  + from.number()
                  + ")"));
    }
    if (trigger.replicaSet() != null && !trigger.replicaSet().equals(from.replicaSet())) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_REVISION,
              "signal is about ReplicaSet "
                  + trigger.replicaSet()
                  + " but the current one is "
                  + from.replicaSet()));
    }
    return Optional.empty();
  }

  /**
   * Whether the alert started after the current revision became current and after the last
   * rollback, give or take {@link RollbackDecider#CLOCK_SKEW}.
   */
  private static Optional<Decision> aboutTheTime(Observed seen, Trigger trigger, Memory memory) {
    if (trigger.startsAt() == null) {
      return Optional.empty();
    }
    Instant becameCurrent = seen.becameCurrent();
    if (becameCurrent != null
        && trigger.startsAt().isBefore(becameCurrent.minus(RollbackDecider.CLOCK_SKEW))) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_ALERT,
              "alert started at "
                  + trigger.startsAt()
                  + ", before revision "
                  + seen.from().number()
                  + " became current at "
                  + becameCurrent));
    }
    RollbackRecord last = memory.last();
    if (last != null
        && trigger.startsAt().isBefore(last.time().minus(RollbackDecider.CLOCK_SKEW))) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_ALERT,
              "alert started at "
                  + trigger.startsAt()
                  + ", before the last rollback at "
                  + last.time()));
    }
    return Optional.empty();
  }
}
