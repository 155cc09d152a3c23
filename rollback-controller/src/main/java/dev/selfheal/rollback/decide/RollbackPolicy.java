package dev.selfheal.rollback.decide;

import java.time.Duration;
import java.util.Set;

/**
 * The safety settings {@link RollbackDecider} enforces.
 *
 * @param namespaces namespaces the controller may act in
 * @param alertNames alert names that may trigger a rollback
 * @param cooldown minimum time between two rollbacks of one Deployment
 * @param maxRollbacksPerHour cap on rollbacks of all Deployments in any sliding hour
 * @param rolloutWindow how long after its rollout's last step a revision may be rolled back
 */
public record RollbackPolicy(
    Set<String> namespaces,
    Set<String> alertNames,
    Duration cooldown,
    int maxRollbacksPerHour,
    Duration rolloutWindow) {

  /** Copies the sets. */
  public RollbackPolicy {
    namespaces = Set.copyOf(namespaces);
    alertNames = Set.copyOf(alertNames);
  }
}
