package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.controller.ConflictRetry.Attempt;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Overrides;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs observe, decide, act for each trigger. Both triggers (webhook and watch) come through here.
 * Reads that only resolve an alert (its pod) happen without any lock; observe → decide → act for
 * one Deployment is serialised by a per-Deployment lock (striped), so two signals about the same
 * bad revision lead to one rollback while other Deployments proceed. The hourly caps are applied
 * once more when the rollback takes its place in {@link MemoryStore}'s ledger, just before the
 * patch, and leadership is checked again there: a decision taken in an earlier term is not acted
 * on.
 *
 * <p>Observe and decide are {@link DecisionStep}'s, the act and its ledger place {@link
 * RollbackStep}'s. A resourceVersion conflict is answered by reading and deciding again, a bounded
 * number of times with backoff ({@link ConflictRetry}). A decision only a person can resolve
 * ({@link Reason#needsAPerson()}) is also told in a {@code RollbackWithheld} Event, once per
 * Deployment generation and reason.
 */
public final class Reconciler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final int STRIPES = 64;

  private final RollbackDecider decider;
  private final ControllerMetrics metrics;
  private final MemoryStore memory = new MemoryStore();
  private final Leadership leadership;
  private final Object[] stripes = new Object[STRIPES];
  private final Reports reports;
  private final AlertIntake intake;
  private final DecisionStep decisions;
  private final RollbackStep rollbacks;
  private final ConflictRetry conflictRetry;

  /**
   * Creates a reconciler.
   *
   * @param reader API reads
   * @param decider the pure decision
   * @param executor applies rollbacks
   * @param metrics metrics
   * @param clock time source
   */
  public Reconciler(
      ClusterReader reader,
      RollbackDecider decider,
      RollbackExecutor executor,
      ControllerMetrics metrics,
      Clock clock) {
    this(reader, decider, executor, metrics, clock, 3, Duration.ofMillis(100));
  }

  /**
   * Creates a reconciler with explicit conflict-retry settings.
   *
   * @param reader API reads
   * @param decider the pure decision
   * @param executor applies rollbacks
   * @param metrics metrics
   * @param clock time source
   * @param attempts observe → decide → act passes per trigger when each ends in a conflict
   * @param firstBackoff wait before the second pass (doubled, with jitter, for each further one)
   */
  public Reconciler(
      ClusterReader reader,
      RollbackDecider decider,
      RollbackExecutor executor,
      ControllerMetrics metrics,
      Clock clock,
      int attempts,
      Duration firstBackoff) {
    this.decider = Objects.requireNonNull(decider);
    this.metrics = Objects.requireNonNull(metrics);
    this.leadership = new Leadership(reader, decider.policy().namespaces(), memory, metrics, clock);
    this.reports = new Reports(executor);
    this.intake = new AlertIntake(reader, decider, metrics, this);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    this.decisions = new DecisionStep(reader, decider, memory, clock);
    this.rollbacks = new RollbackStep(executor, memory);
    this.conflictRetry = new ConflictRetry(attempts, firstBackoff);
  }

  /** Whether this instance acts: it holds the Lease and has restored its memory. */
  public boolean leading() {
    return leadership.leading();
  }

  /** Why this instance does not act, or null when it does. */
  public String notReadyReason() {
    return leadership.notReadyReason();
  }

  /**
   * Starts or stops acting. On start, the memory of earlier rollbacks is first rebuilt from the
   * cluster; only then does {@link #leading()} become true.
   *
   * @param leading new state
   */
  public void setLeading(boolean leading) {
    leadership.set(leading);
  }

  /**
   * Handles one alert from a webhook notification ({@link AlertIntake}).
   *
   * @param alert the alert
   * @param receivedNanos when the request arrived
   * @return the outcome
   */
  public Outcome handleAlert(AlertNotification.Alert alert, long receivedNanos) {
    return intake.handle(alert, receivedNanos);
  }

  /**
   * Observes the Deployment, decides and acts; again after a conflict.
   *
   * @param trigger why
   * @param receivedNanos when the trigger arrived ({@link System#nanoTime()})
   * @return the outcome
   */
  public Outcome handle(Trigger trigger, long receivedNanos) {
    MDC.put("namespace", LogSafe.clean(trigger.namespace()));
    MDC.put("deployment", LogSafe.clean(trigger.deployment()));
    try {
      long term = leadership.term();
      if (!leadership.stillLeading(term)) {
        return notLeader(trigger);
      }
      Optional<Decision> early = decider.precheck(trigger);
      if (early.isPresent()) {
        return ignored(trigger, trigger.namespace(), trigger.deployment(), early.get());
      }
      synchronized (stripe(trigger)) {
        return conflictRetry.run(trigger, () -> attempt(trigger, term, receivedNanos));
      }
    } finally {
      MDC.remove("namespace");
      MDC.remove("deployment");
    }
  }

  private Object stripe(Trigger trigger) {
    int h = (trigger.namespace() + "/" + trigger.deployment()).hashCode();
    return stripes[Math.floorMod(h, STRIPES)];
  }

  private Attempt attempt(Trigger trigger, long term, long receivedNanos) {
    DecisionStep.Decided decided;
    try {
      decided = decisions.decide(trigger);
    } catch (KubernetesClientException e) {
      metrics.failure("read_failed");
      LOG.warn("Could not read deployment state: {}", LogSafe.clean(e.getMessage()));
      return Attempt.done(
          Outcome.failed(trigger, "could not read the Deployment: HTTP " + e.getCode()));
    }
    Deployment deployment = decided.deployment();
    Decision decision = decided.decision();
    Instant now = decided.now();
    if (!decision.isRollback()) {
      reports.report(deployment, decision, now, dryRun(deployment));
      return Attempt.done(ignored(trigger, trigger.namespace(), trigger.deployment(), decision));
    }
    // The last moment before the write: the Lease may have moved while we read and decided.
    if (!leadership.stillLeading(term)) {
      return Attempt.done(notLeader(trigger));
    }
    MemoryStore.Reserved place =
        memory.reserve(
            deployment, now, (all, mine) -> decider.rateLimit(deployment, all, mine, now));
    switch (place.status()) {
      case REFUSED -> {
        reports.report(deployment, place.refusal(), now, decision.dryRun());
        return Attempt.done(
            ignored(trigger, trigger.namespace(), trigger.deployment(), place.refusal()));
      }
      case BUSY -> {
        // Another Deployment's patch holds the last place and may yet fail and give it back: a
        // final rate_limited now could lose this rollback, so the webhook asks for a retry.
        return Attempt.done(
            Outcome.failed(
                trigger,
                "the hourly cap's last place is held by another rollback whose patch is in"
                    + " flight; the next delivery decides again"));
      }
      default -> {
        return rollbacks.act(deployment, trigger, decision, now, receivedNanos);
      }
    }
  }

  /** Whether the Deployment is a dry run by its own annotation (it then gets no Events). */
  private boolean dryRun(Deployment deployment) {
    return deployment != null
        && Overrides.of(deployment, decider.policy()).valid().map(Overrides::dryRun).orElse(false);
  }

  private Outcome notLeader(Trigger trigger) {
    return ignored(
        trigger,
        trigger.namespace(),
        trigger.deployment(),
        Decision.ignore(
            Reason.NOT_LEADER, "this instance does not act: " + leadership.notReadyReason()));
  }

  /** An ignored trigger, counted and logged. */
  Outcome ignored(Trigger trigger, String ns, String deployment, Decision decision) {
    metrics.ignored(trigger.kind().label(), decision.reason().label());
    if (trigger.kind() == Trigger.Kind.ALERT) {
      LOG.info(
          "Ignored {} for {}/{}: {} ({})",
          LogSafe.clean(trigger.describe()),
          LogSafe.clean(ns),
          LogSafe.clean(deployment),
          decision.reason().label(),
          LogSafe.clean(decision.detail()));
    } else {
      LOG.debug(
          "Ignored {}: {} ({})",
          LogSafe.clean(trigger.describe()),
          decision.reason().label(),
          LogSafe.clean(decision.detail()));
    }
    return Outcome.ignored(
        ns, deployment, trigger.describe(), decision.reason(), decision.detail());
  }

  /** Stops the memory-restore thread. */
  @Override
  public void close() {
    leadership.close();
  }
}
