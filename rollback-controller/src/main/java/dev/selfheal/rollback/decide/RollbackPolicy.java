package dev.selfheal.rollback.decide;

import java.time.Duration;
import java.util.Set;

/**
 * The controller-wide safety settings {@link RollbackDecider} enforces; a Deployment can narrow
 * some of them with annotations ({@link Overrides}).
 *
 * @param namespaces namespaces the controller may act in
 * @param alertNames alert names that may trigger a rollback
 * @param cooldown minimum time between two rollbacks of one Deployment
 * @param maxRollbacksPerHour cap on rollbacks of all Deployments in any sliding hour
 * @param maxRollbacksPerDeploymentPerHour cap on rollbacks of one Deployment in any sliding hour
 * @param rolloutWindow how long after its rollout's last step a revision may be rolled back
 * @param dryRun decide and report, never patch
 */
public record RollbackPolicy(
    Set<String> namespaces,
    Set<String> alertNames,
    Duration cooldown,
    int maxRollbacksPerHour,
    int maxRollbacksPerDeploymentPerHour,
    Duration rolloutWindow,
    boolean dryRun) {

  /** Copies the sets. */
  public RollbackPolicy {
    namespaces = Set.copyOf(namespaces);
    alertNames = Set.copyOf(alertNames);
  }
}
