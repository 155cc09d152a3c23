package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.controller.ConflictRetry.Attempt;
import dev.selfheal.rollback.controller.Outcome.Action;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.decide.Trigger;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.Objects;

/**
 * The act step for a rollback whose place in {@link MemoryStore}'s hourly ledger is taken: applies
 * it and settles the place, keeping it for a rollback that happened and giving it back for one that
 * did not (a conflict, a failed patch, a dry run).
 */
final class RollbackStep {

  private final RollbackExecutor executor;
  private final MemoryStore memory;

  RollbackStep(RollbackExecutor executor, MemoryStore memory) {
    this.executor = Objects.requireNonNull(executor);
    this.memory = Objects.requireNonNull(memory);
  }

  /** Applies the rollback; a conflict asks for another observe → decide → act pass. */
  Attempt act(
      Deployment deployment, Trigger trigger, Decision decision, Instant now, long receivedNanos) {
    RollbackExecutor.Result result =
        executor.apply(deployment, trigger, decision, now, receivedNanos);
    switch (result) {
      case CONFLICT -> {
        memory.release(deployment, now);
        return Attempt.conflicted();
      }
      case FAILED -> {
        memory.release(deployment, now);
        return Attempt.done(Outcome.failed(trigger, "patch failed: " + decision.detail()));
      }
      default -> {
        boolean dryRun = result == RollbackExecutor.Result.DRY_RUN;
        if (dryRun) {
          // Nothing was rolled back: no place in the hourly caps, no bad revision.
          memory.release(deployment, now);
          memory.rememberDryRun(
              deployment,
              new RollbackRecord(
                  decision.from(),
                  decision.to(),
                  trigger.reason(),
                  trigger.kind().label(),
                  now,
                  true));
        } else {
          memory.confirm(deployment, now);
        }
        return Attempt.done(
            new Outcome(
                trigger.namespace(),
                trigger.deployment(),
                trigger.describe(),
                dryRun ? Action.DRY_RUN : Action.ROLLED_BACK,
                null,
                decision.detail()));
      }
    }
  }
}
