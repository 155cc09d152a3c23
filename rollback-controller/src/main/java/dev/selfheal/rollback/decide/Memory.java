package dev.selfheal.rollback.decide;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the controller knows about earlier rollbacks when it decides.
 *
 * @param last the latest rollback of this Deployment, or null
 * @param badRevisions revisions this Deployment was rolled back from, by template hash (never a
 *     target again)
 * @param recentRollbacks times of rollbacks of any Deployment, for the global hourly cap
 */
public record Memory(
    RollbackRecord last, Map<String, RollbackRecord> badRevisions, List<Instant> recentRollbacks) {

  /** Copies the collections. */
  public Memory {
    badRevisions = Map.copyOf(badRevisions);
    recentRollbacks = List.copyOf(recentRollbacks);
  }

  /** Nothing remembered. */
  public static Memory empty() {
    return new Memory(null, Map.of(), List.of());
  }
}
