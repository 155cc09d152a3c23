package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What the controller knows about earlier rollbacks when it decides.
 *
 * @param last the latest rollback of this Deployment, or null
 * @param rolledBackFrom template hashes this Deployment was rolled back from (never a target again)
 * @param recentRollbacks times of rollbacks of any Deployment, for the global hourly cap
 */
public record Memory(
    RollbackRecord last, Set<String> rolledBackFrom, List<Instant> recentRollbacks) {

  /** Copies the collections. */
  public Memory {
    rolledBackFrom = Set.copyOf(rolledBackFrom);
    recentRollbacks = List.copyOf(recentRollbacks);
  }

  /** Nothing remembered. */
  public static Memory empty() {
    return new Memory(null, Set.of(), List.of());
  }
}
