package dev.selfheal.rollback.decide;

import java.time.Instant;

/**
 * What the controller remembers about one rollback; stored as JSON in the Deployment annotation
 * {@code rollback.selfheal.dev/last-rollback} so a restarted controller still knows it.
 *
 * @param from revision rolled back from
 * @param to revision rolled back to
 * @param reason alert name or failure reason
 * @param trigger {@code alert} or {@code rollout}
 * @param time when the rollback was issued
 * @param dryRun true when only decided, not applied
 */
public record RollbackRecord(
    Revision from, Revision to, String reason, String trigger, Instant time, boolean dryRun) {}
