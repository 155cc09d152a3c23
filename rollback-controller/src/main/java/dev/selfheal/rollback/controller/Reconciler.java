package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.controller.Outcome.Action;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.ClusterReader;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>A resourceVersion conflict is answered by reading and deciding again, a bounded number of
 * times with backoff. A decision only a person can resolve ({@link Reason#needsAPerson()}) is also
 * told in a {@code RollbackWithheld} Event, once per Deployment generation and reason.
 */
public final class Reconciler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final int STRIPES = 64;
  private static final int MAX_REPORTED = 10_000;

  /** One observe → decide → act pass; {@code conflict} asks for another. */
  private record Attempt(Outcome outcome, boolean conflict) {}

  private final ClusterReader reader;
  private final RollbackDecider decider;
  private final RollbackExecutor executor;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final MemoryStore memory = new MemoryStore();
  private final Leadership leadership;
  private final Object[] stripes = new Object[STRIPES];
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final Retry conflictRetry;

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
    this.reader = Objects.requireNonNull(reader);
    this.decider = Objects.requireNonNull(decider);
    this.executor = Objects.requireNonNull(executor);
    this.metrics = Objects.requireNonNull(metrics);
    this.clock = Objects.requireNonNull(clock);
    this.leadership = new Leadership(reader, decider.policy().namespaces(), memory, metrics, clock);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    this.conflictRetry =
        Retry.of(
            "conflict",
            RetryConfig.<Attempt>custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0))
                .retryOnResult(Attempt::conflict)
                .build());
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
   * Handles one alert from a webhook notification. Resolving its pod happens outside any lock.
   *
   * @param alert the alert
   * @param receivedNanos when the request arrived
   * @return the outcome
   */
  public Outcome handleAlert(AlertNotification.Alert alert, long receivedNanos) {
    String ns = alert.labels().getOrDefault("namespace", "");
    String deployment = alert.labels().get("deployment");
    String description = "alert " + alert.alertName();
    if (alert.problem() != null) {
      metrics.ignored(Trigger.Kind.ALERT.label(), Reason.INVALID_ALERT.label());
      LOG.warn(
          "Rejected alerts[{}] ({}): {}",
          alert.index(),
          LogSafe.clean(alert.alertName()),
          LogSafe.clean(alert.problem()));
      return Outcome.ignored(ns, deployment, description, Reason.INVALID_ALERT, alert.problem());
    }
    String pod = alert.labels().get("pod");
    String hash = alert.labels().get("pod_template_hash");
    // Rules that need no API reads first, so irrelevant alerts cost nothing.
    Trigger probe =
        Trigger.alert(
            alert.alertName(),
            ns,
            deployment == null ? "" : deployment,
            null,
            hash,
            alert.startsAt(),
            alert.firing());
    Optional<Decision> early = decider.precheck(probe);
    if (early.isPresent()) {
      return ignored(probe, ns, deployment, early.get());
    }
    String replicaSet = null;
    if (pod != null) {
      // A running pod names the exact revision through its ReplicaSet.
      ClusterReader.PodOwner owner;
      try {
        owner = reader.ownerOfPod(ns, pod);
      } catch (KubernetesClientException e) {
        metrics.failure("read_failed");
        LOG.warn("Could not resolve pod {}/{}: {}", ns, pod, LogSafe.clean(e.getMessage()));
        return new Outcome(
            ns, deployment, description, Action.FAILED, null, "could not read pod " + pod);
      }
      if (owner.problem() == null) {
        deployment = owner.deployment();
        replicaSet = owner.replicaSet();
      } else if (deployment == null || owner.problem() != Reason.POD_NOT_FOUND) {
        // A pod that is gone is normal once a rollback replaced it: the deployment label and the
        // pod_template_hash label still let the decider judge the alert. Anything else is final.
        return ignored(
            probe,
            ns,
            deployment,
            Decision.ignore(
                owner.problem(), "pod " + ns + "/" + pod + ": " + owner.problem().label()));
      }
    }
    Trigger trigger =
        Trigger.alert(alert.alertName(), ns, deployment, replicaSet, hash, alert.startsAt(), true);
    return handle(trigger, receivedNanos);
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
        Attempt last = conflictRetry.executeSupplier(() -> attempt(trigger, term, receivedNanos));
        if (last.conflict()) {
          LOG.warn(
              "Giving up on {} after {} conflicts: the Deployment keeps changing",
              trigger.describe(),
              conflictRetry.getRetryConfig().getMaxAttempts());
          return failed(
              trigger,
              "the Deployment changed during each of "
                  + conflictRetry.getRetryConfig().getMaxAttempts()
                  + " attempts (HTTP 409); the next notification decides again");
        }
        return last.outcome();
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
    Deployment deployment;
    Decision decision;
    Instant now;
    try {
      deployment = reader.deployment(trigger.namespace(), trigger.deployment());
      ClusterReader.ReplicaSets replicaSets =
          deployment == null
              ? new ClusterReader.ReplicaSets(List.of(), false)
              : reader.replicaSets(deployment);
      now = clock.instant();
      decision = decide(deployment, replicaSets.items(), trigger, now);
      if (replicaSets.cached() && dependsOnReplicaSets(decision)) {
        // The cache may lag: a ReplicaSet created or a mark cleared a moment ago. Acting, or
        // standing aside on what a ReplicaSet says, is confirmed with the API server's own list.
        decision = decide(deployment, reader.freshReplicaSets(deployment), trigger, now);
      }
    } catch (KubernetesClientException e) {
      metrics.failure("read_failed");
      LOG.warn("Could not read deployment state: {}", LogSafe.clean(e.getMessage()));
      return new Attempt(
          failed(trigger, "could not read the Deployment: HTTP " + e.getCode()), false);
    }
    if (!decision.isRollback()) {
      report(deployment, decision, now);
      return new Attempt(
          ignored(trigger, trigger.namespace(), trigger.deployment(), decision), false);
    }
    // The last moment before the write: the Lease may have moved while we read and decided.
    if (!leadership.stillLeading(term)) {
      return new Attempt(notLeader(trigger), false);
    }
    Optional<Decision> capped =
        memory.reserve(
            deployment, now, (all, mine) -> decider.rateLimit(deployment, all, mine, now));
    if (capped.isPresent()) {
      report(deployment, capped.get(), now);
      return new Attempt(
          ignored(trigger, trigger.namespace(), trigger.deployment(), capped.get()), false);
    }
    return act(deployment, trigger, decision, now, receivedNanos);
  }

  /** Applies a rollback whose ledger place is taken; gives the place back if it did not happen. */
  private Attempt act(
      Deployment deployment, Trigger trigger, Decision decision, Instant now, long receivedNanos) {
    RollbackExecutor.Result result =
        executor.apply(deployment, trigger, decision, now, receivedNanos);
    switch (result) {
      case CONFLICT -> {
        memory.release(deployment, now);
        return new Attempt(null, true);
      }
      case FAILED -> {
        memory.release(deployment, now);
        return new Attempt(failed(trigger, "patch failed: " + decision.detail()), false);
      }
      default -> {
        boolean dryRun = result == RollbackExecutor.Result.DRY_RUN;
        memory.remember(
            deployment,
            new RollbackRecord(
                decision.from(),
                decision.to(),
                trigger.reason(),
                trigger.kind().label(),
                now,
                dryRun));
        return new Attempt(
            new Outcome(
                trigger.namespace(),
                trigger.deployment(),
                trigger.describe(),
                dryRun ? Action.DRY_RUN : Action.ROLLED_BACK,
                null,
                decision.detail()),
            false);
      }
    }
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

  /**
   * One Warning Event per Deployment generation and reason for a rollback that was wanted and is
   * impossible ({@code RollbackImpossible}) or withheld until a person acts ({@code
   * RollbackWithheld}).
   */
  private void report(Deployment deployment, Decision decision, Instant now) {
    Reason reason = decision.reason();
    if (deployment == null || (reason != Reason.NO_PREVIOUS_REVISION && !reason.needsAPerson())) {
      return;
    }
    String key =
        deployment.getMetadata().getNamespace()
            + "/"
            + deployment.getMetadata().getName()
            + "#"
            + deployment.getMetadata().getGeneration()
            + "#"
            + reason.label();
    if (reported.size() > MAX_REPORTED) {
      reported.clear();
    }
    if (!reported.add(key)) {
      return;
    }
    if (reason == Reason.NO_PREVIOUS_REVISION) {
      LOG.warn("Cannot roll back: {}", LogSafe.clean(decision.detail()));
      executor.reportNoHistory(deployment, decision.detail(), now);
    } else {
      LOG.warn("Rollback withheld ({}): {}", reason.label(), LogSafe.clean(decision.detail()));
      executor.reportWithheld(deployment, reason.label(), decision.detail(), now);
    }
  }

  private Outcome notLeader(Trigger trigger) {
    return ignored(
        trigger,
        trigger.namespace(),
        trigger.deployment(),
        Decision.ignore(
            Reason.NOT_LEADER, "this instance does not act: " + leadership.notReadyReason()));
  }

  private Outcome ignored(Trigger trigger, String ns, String deployment, Decision decision) {
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

  private static Outcome failed(Trigger trigger, String detail) {
    return new Outcome(
        trigger.namespace(), trigger.deployment(), trigger.describe(), Action.FAILED, null, detail);
  }

  /** Stops the memory-restore thread. */
  @Override
  public void close() {
    leadership.close();
  }
}
