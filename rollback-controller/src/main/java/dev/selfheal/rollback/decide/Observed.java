package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What {@link RollbackDecider#decide} found, once the Deployment is known to be one it may act on:
 * the later rules all read it.
 *
 * @param deployment the Deployment
 * @param owned its ReplicaSets that carry a revision number
 * @param current the one whose template is the Deployment's
 * @param overrides the settings for this Deployment
 */
record Observed(
    Deployment deployment, List<ReplicaSet> owned, ReplicaSet current, Overrides overrides) {

  /** Orders ReplicaSets that carry a revision number by it. */
  static final Comparator<ReplicaSet> BY_REVISION =
      Comparator.comparingLong(rs -> Revisions.revisionOf(rs).getAsLong());

  /**
   * Reads the Deployment's revisions.
   *
   * @param deployment the Deployment as read now
   * @param replicaSets ReplicaSets in its namespace (only those it owns count)
   * @param overrides the settings for this Deployment
   * @return what was observed, or empty when no ReplicaSet has the current template yet
   */
  static Optional<Observed> read(
      Deployment deployment, List<ReplicaSet> replicaSets, Overrides overrides) {
    List<ReplicaSet> owned =
        replicaSets.stream()
            .filter(rs -> Revisions.ownedBy(rs, deployment))
            .filter(rs -> Revisions.revisionOf(rs).isPresent())
            .toList();
    return owned.stream()
        .filter(
            rs ->
                Revisions.sameTemplate(
                    deployment.getSpec().getTemplate(), rs.getSpec().getTemplate()))
        .max(BY_REVISION)
        .map(current -> new Observed(deployment, owned, current, overrides));
  }

  /** The decision when {@link #read} finds no current ReplicaSet. */
  static Decision noCurrentRevision() {
    return Decision.ignore(
        Reason.NO_CURRENT_REVISION,
        "no ReplicaSet matches the current template yet (rollout just started?)");
  }

  /** The current revision: the one a rollback would leave. */
  Revision from() {
    return Revisions.describe(current);
  }

  /** When the current revision became current ({@link RolloutTimes#becameCurrent}), or null. */
  Instant becameCurrent() {
    return RolloutTimes.becameCurrent(deployment, current);
  }

  /** When the current revision's rollout last moved ({@link RolloutTimes#lastRolloutStep}). */
  Instant lastRolloutStep() {
    return RolloutTimes.lastRolloutStep(deployment, current);
  }
}
