package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.Optional;

/**
 * Rules about the current revision: is its rollout recent enough to be the cause, and did someone
 * put it back after the controller rolled back from it?
 */
final class RevisionCheck {

  private RevisionCheck() {}

  /** The first of these rules that refuses a rollback of the current revision, or empty. */
  static Optional<Decision> refusal(Observed seen, Memory memory, Instant now) {
    return outsideTheWindow(seen, now).or(() -> reapplied(seen.from(), memory));
  }

  /** Only a rollout's own revision is rolled back, within the rollout window of its last step. */
  private static Optional<Decision> outsideTheWindow(Observed seen, Instant now) {
    Overrides overrides = seen.overrides();
    Instant lastStep = seen.lastRolloutStep();
    if (lastStep == null || !now.isAfter(lastStep.plus(overrides.rolloutWindow()))) {
      return Optional.empty();
    }
    return Optional.of(
        Decision.ignore(
            Reason.OUTSIDE_ROLLOUT_WINDOW,
            "revision "
                + seen.from().number()
                + " has been current since "
                + seen.becameCurrent()
                + " and its rollout last moved at "
                + lastStep
                + ", more than the rollout window ("
                + overrides.rolloutWindow().toSeconds()
                + " s, ROLLOUT_WINDOW_SECONDS or "
                + Overrides.ROLLOUT_WINDOW
                + ") ago: only a rollout's own revision is rolled back"));
  }

  /** The current revision carries the controller's own (not a dry run's) bad-revision mark. */
  private static Optional<Decision> reapplied(Revision from, Memory memory) {
    RollbackRecord mark = memory.marked().get(from.templateHash());
    if (mark == null || mark.dryRun()) {
      return Optional.empty();
    }
    // The controller rolled back from this very revision, and a person or a GitOps tool made it
    // current again: rolling back once more would start a tug of war that only uses up the caps.
    return Optional.of(
        Decision.ignore(
            Reason.REAPPLIED_BAD_REVISION,
            "revision "
                + from.number()
                + " ("
                + from.replicaSet()
                + ") was rolled back at "
                + mark.time()
                + " ("
                + mark.reason()
                + ") and has been made current again since, by a person or GitOps: the controller"
                + " leaves it to them. To let the controller act on it again, clear the mark: kubectl"
                + " annotate rs "
                + from.replicaSet()
                + " "
                + Revisions.BAD_REVISION_ANNOTATION
                + "-"));
  }
}
