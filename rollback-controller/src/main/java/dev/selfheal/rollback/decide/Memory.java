package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the controller knows about earlier rollbacks when it decides.
 *
 * @param last the latest rollback of this Deployment, or null
 * @param badRevisions revisions this Deployment was rolled back from, by template hash, from every
 *     source (ReplicaSet marks, the Deployment's last-rollback record, this process): never a
 *     target again
 * @param marked the bad-revision marks found on the Deployment's ReplicaSets themselves, by
 *     template hash: the durable record a person clears with {@code kubectl annotate rs ...
 *     rollback.selfheal.dev/bad-revision-}
 * @param recentRollbacks times of rollbacks of any Deployment, for the global hourly cap
 * @param deploymentRollbacks times of rollbacks of this Deployment, for its own hourly cap
 */
public record Memory(
    RollbackRecord last,
    Map<String, RollbackRecord> badRevisions,
    Map<String, RollbackRecord> marked,
    List<Instant> recentRollbacks,
    List<Instant> deploymentRollbacks) {

  /** Copies the collections. */
  public Memory {
    badRevisions = Map.copyOf(badRevisions);
    marked = Map.copyOf(marked);
    recentRollbacks = List.copyOf(recentRollbacks);
    deploymentRollbacks = List.copyOf(deploymentRollbacks);
  }

  /** Memory without marks on ReplicaSets or rollbacks of this Deployment. */
  public Memory(
      RollbackRecord last,
      Map<String, RollbackRecord> badRevisions,
      List<Instant> recentRollbacks) {
    this(last, badRevisions, Map.of(), recentRollbacks, List.of());
  }

  /** Nothing remembered. */
  public static Memory empty() {
    return new Memory(null, Map.of(), Map.of(), List.of(), List.of());
  }
}
