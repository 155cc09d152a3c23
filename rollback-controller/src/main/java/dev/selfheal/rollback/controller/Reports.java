package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells people, in the cluster, about rollbacks that were wanted and did not happen: one Warning
 * Event per Deployment generation and reason, however many alerts and resyncs repeat the decision.
 * The Event's name is derived from that key, so a restarted or newly elected instance that decides
 * the same again finds it already there (HTTP 409) and writes no second one.
 */
final class Reports {

  private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
  private static final int MAX_REPORTED = 10_000;

  private final RollbackExecutor executor;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  Reports(RollbackExecutor executor) {
    this.executor = executor;
  }

  /**
   * One Warning Event per Deployment generation and reason for a rollback that was wanted and is
   * impossible ({@code RollbackImpossible}) or withheld until a person acts ({@code
   * RollbackWithheld}).
   */
  void report(Deployment deployment, Decision decision, Instant now, boolean dryRun) {
    Reason reason = decision.reason();
    if (deployment == null || (reason != Reason.NO_PREVIOUS_REVISION && !reason.needsAPerson())) {
      return;
    }
    if (dryRun && reason != Reason.INVALID_OVERRIDE) {
      return; // a dry run writes nothing to the cluster, as the global DRY_RUN does
    }
    String key =
        deployment.getMetadata().getNamespace()
            + "/"
            + deployment.getMetadata().getName()
            + "#"
            + deployment.getMetadata().getGeneration()
            + "#"
            + deployment.getMetadata().getUid()
            + "#"
            + reason.label()
            // Annotations do not change the generation: each different problem is told.
            + (reason == Reason.INVALID_OVERRIDE ? "#" + decision.detail() : "");
    if (reported.size() > MAX_REPORTED) {
      reported.clear();
    }
    if (!reported.add(key)) {
      return;
    }
    if (reason == Reason.NO_PREVIOUS_REVISION) {
      LOG.warn("Cannot roll back: {}", LogSafe.clean(decision.detail()));
      executor.reportNoHistory(deployment, decision.detail(), now, key);
    } else {
      LOG.warn("Rollback withheld ({}): {}", reason.label(), LogSafe.clean(decision.detail()));
      executor.reportWithheld(deployment, reason.label(), decision.detail(), now, key);
    }
  }
}
