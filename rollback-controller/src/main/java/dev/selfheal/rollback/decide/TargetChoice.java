package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Optional;

/**
 * Which revision to roll back to: the highest one below the current, unless there is none, it
 * already has the Deployment's template, or it is recorded as bad (a ping-pong a person must end).
 *
 * @param seen what was observed
 * @param previous the highest revision below the current one, or null when there is none
 */
record TargetChoice(Observed seen, ReplicaSet previous) {

  /** The target among {@code seen}'s ReplicaSets. */
  static TargetChoice of(Observed seen) {
    long current = seen.from().number();
    ReplicaSet previous =
        seen.owned().stream()
            .filter(rs -> Revisions.revisionOf(rs).getAsLong() < current)
            .max(Observed.BY_REVISION)
            .orElse(null);
    return new TargetChoice(seen, previous);
  }

  /** The first rule about the target that refuses it, or empty when it may be rolled back to. */
  Optional<Decision> refusal(Memory memory) {
    if (previous == null) {
      Integer limit = seen.deployment().getSpec().getRevisionHistoryLimit();
      return Optional.of(
          Decision.ignore(
              Reason.NO_PREVIOUS_REVISION,
              "revision "
                  + seen.from().number()
                  + " has no earlier ReplicaSet to roll back to"
                  + (limit != null && limit == 0
                      ? " (revisionHistoryLimit is 0, so old ReplicaSets are deleted)"
                      : "")));
    }
    Revision to = Revisions.describe(previous);
    if (Revisions.sameTemplate(
        seen.deployment().getSpec().getTemplate(), previous.getSpec().getTemplate())) {
      return Optional.of(
          Decision.ignore(
              Reason.ALREADY_AT_TARGET, "template already equals revision " + to.number()));
    }
    RollbackRecord bad = memory.badRevisions().get(to.templateHash());
    if (bad != null) {
      return Optional.of(
          Decision.ignore(
              Reason.PING_PONG,
              "revision "
                  + to.number()
                  + " ("
                  + to.replicaSet()
                  + ") is recorded as bad (rolled back from at "
                  + bad.time()
                  + ", "
                  + bad.reason()
                  + "); a human must choose"));
    }
    return Optional.empty();
  }

  /** The rollback to the target, once no rule refuses it; a dry run when the settings say so. */
  Decision rollback(Trigger trigger) {
    Revision from = seen.from();
    Revision to = Revisions.describe(previous);
    return Decision.rollback(
        from,
        to,
        previous,
        trigger.describe()
            + ": revision "
            + from.number()
            + " ("
            + from.replicaSet()
            + ") -> revision "
            + to.number()
            + " ("
            + to.replicaSet()
            + ")",
        seen.overrides().dryRun());
  }
}
