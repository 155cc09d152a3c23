package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.observe.ClusterReader;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Observe and decide for one trigger: reads the Deployment and its ReplicaSets, adds what {@link
 * MemoryStore} knows, and asks the pure {@link RollbackDecider}. A decision taken on the watch
 * cache that a ReplicaSet's latest state could change is taken again on the API server's own list.
 */
final class DecisionStep {

  /**
   * What was read and decided.
   *
   * @param deployment the Deployment as read, or null when it does not exist
   * @param decision the decision on it
   * @param now when it was decided
   */
  record Decided(Deployment deployment, Decision decision, Instant now) {}

  private final ClusterReader reader;
  private final RollbackDecider decider;
  private final MemoryStore memory;
  private final Clock clock;

  DecisionStep(ClusterReader reader, RollbackDecider decider, MemoryStore memory, Clock clock) {
    this.reader = Objects.requireNonNull(reader);
    this.decider = Objects.requireNonNull(decider);
    this.memory = Objects.requireNonNull(memory);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Reads and decides.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when a read fails
   */
  Decided decide(Trigger trigger) {
    Deployment deployment = reader.deployment(trigger.namespace(), trigger.deployment());
    ClusterReader.ReplicaSets replicaSets =
        deployment == null
            ? new ClusterReader.ReplicaSets(List.of(), false)
            : reader.replicaSets(deployment);
    Instant now = clock.instant();
    Decision decision = decide(deployment, replicaSets.items(), trigger, now);
    if (replicaSets.cached() && dependsOnReplicaSets(decision)) {
      // The cache may lag: a ReplicaSet created or a mark cleared a moment ago. Acting, or
      // standing aside on what a ReplicaSet says, is confirmed with the API server's own list.
      decision = decide(deployment, reader.freshReplicaSets(deployment), trigger, now);
    }
    return new Decided(deployment, decision, now);
  }

  private Decision decide(
      Deployment deployment, List<ReplicaSet> replicaSets, Trigger trigger, Instant now) {
    Memory known =
        deployment == null ? Memory.empty() : memory.memoryFor(deployment, replicaSets, now);
    return decider.decide(deployment, replicaSets, trigger, known, now);
  }

  /** Decisions that a ReplicaSet's latest state (its existence, its marks) can change. */
  private static boolean dependsOnReplicaSets(Decision decision) {
    if (decision.isRollback()) {
      return true;
    }
    return switch (decision.reason()) {
      case NO_CURRENT_REVISION,
          REAPPLIED_BAD_REVISION,
          NO_PREVIOUS_REVISION,
          ALREADY_AT_TARGET,
          PING_PONG ->
          true;
      default -> false;
    };
  }
}
