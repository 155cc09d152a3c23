package dev.selfheal.rollback.metrics;

import dev.selfheal.rollback.decide.Reason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The controller's metrics, registered on an injected registry. Label values are bounded: reasons
 * come from fixed enums or the alert-name allowlist, namespaces from the namespace allowlist, and
 * Deployment names only after the Deployment was found and opted in.
 */
public final class ControllerMetrics {

  private final Counter rollbacks;
  private final Counter dryRunRollbacks;
  private final Counter ignored;
  private final Counter failures;
  private final Counter webhookRequests;
  private final Histogram triggerToPatch;
  private final Gauge leader;

  /**
   * Registers the metrics.
   *
   * @param registry where to register
   */
  public ControllerMetrics(PrometheusRegistry registry) {
    rollbacks =
        Counter.builder()
            .name("rollback_controller_rollbacks_total")
            .help("Rollbacks applied, by Deployment and trigger reason")
            .labelNames("namespace", "deployment", "reason")
            .register(registry);
    dryRunRollbacks =
        Counter.builder()
            .name("rollback_controller_dry_run_rollbacks_total")
            .help("Rollbacks decided but not applied because DRY_RUN is true")
            .labelNames("namespace", "deployment", "reason")
            .register(registry);
    ignored =
        Counter.builder()
            .name("rollback_controller_decisions_ignored_total")
            .help("Triggers that did not lead to a rollback, by trigger kind and reason")
            .labelNames("trigger", "reason")
            .register(registry);
    // Every series exists from the start at 0 (both sets of labels are fixed), so a rate or a
    // dashboard panel shows "none yet" instead of "no data".
    for (String trigger : new String[] {"alert", "rollout"}) {
      for (Reason reason : Reason.values()) {
        ignored.labelValues(trigger, reason.label()).inc(0);
      }
    }
    failures =
        Counter.builder()
            .name("rollback_controller_rollback_failures_total")
            .help("Rollbacks (or their Events) that failed against the API server, by reason")
            .labelNames("reason")
            .register(registry);
    webhookRequests =
        Counter.builder()
            .name("rollback_controller_webhook_requests_total")
            .help("Alertmanager webhook requests by HTTP status code")
            .labelNames("code")
            .register(registry);
    triggerToPatch =
        Histogram.builder()
            .name("rollback_controller_trigger_to_patch_seconds")
            .help("Time from receiving a trigger to the rollback patch being acknowledged")
            .labelNames("trigger")
            .classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    leader =
        Gauge.builder()
            .name("rollback_controller_leader")
            .help("1 while this instance holds the Lease and acts, else 0")
            .register(registry);
  }

  /** Counts an applied rollback. */
  public void rollback(String namespace, String deployment, String reason) {
    rollbacks.labelValues(namespace, deployment, reason).inc();
  }

  /** Counts a rollback that dry-run mode did not apply. */
  public void dryRunRollback(String namespace, String deployment, String reason) {
    dryRunRollbacks.labelValues(namespace, deployment, reason).inc();
  }

  /** Counts an ignored trigger. */
  public void ignored(String trigger, String reason) {
    ignored.labelValues(trigger, reason).inc();
  }

  /** Counts a failure talking to the API server. */
  public void failure(String reason) {
    failures.labelValues(reason).inc();
  }

  /** Counts a webhook request by status code. */
  public void webhookRequest(int code) {
    webhookRequests.labelValues(Integer.toString(code)).inc();
  }

  /** Observes trigger-to-patch latency. */
  public void triggerToPatch(String trigger, double seconds) {
    triggerToPatch.labelValues(trigger).observe(seconds);
  }

  /** Sets the leader gauge. */
  public void leader(boolean leading) {
    leader.set(leading ? 1 : 0);
  }
}
