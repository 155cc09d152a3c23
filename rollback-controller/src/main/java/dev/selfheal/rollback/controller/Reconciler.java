package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.LogSafe;
import dev.selfheal.rollback.act.RollbackExecutor;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.ClusterReader;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs observe, decide, act for each trigger. Both triggers (webhook and watch) come through here.
 * Reads that only resolve an alert (its pod) happen without any lock; observe → decide → act for
 * one Deployment is serialised by a per-Deployment lock (striped), so two signals about the same
 * bad revision lead to one rollback while other Deployments proceed. The global hourly cap is
 * enforced by reserving a place in {@link MemoryStore}'s ledger before each patch.
 *
 * <p>Before the first decision as leader, the memory of earlier rollbacks is rebuilt from the
 * cluster; until then this instance does not count as leading (webhooks get 503, readiness is
 * false). A resourceVersion conflict is answered by reading and deciding again, a bounded number of
 * times with backoff.
 */
public final class Reconciler implements AutoCloseable {

  /** The decision of a trigger that could not be decided or acted on; a retry may succeed. */
  public static final String FAILED = "failed";

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  private static final int STRIPES = 64;
  private static final int MAX_REPORTED = 10_000;
  private static final Duration FIRST_RESTORE_DELAY = Duration.ofSeconds(1);
  private static final Duration MAX_RESTORE_DELAY = Duration.ofSeconds(30);

  /**
   * What happened to one trigger; returned to webhook callers as JSON.
   *
   * @param namespace namespace (may be null for an unresolved pod)
   * @param deployment Deployment name (may be null for an unresolved pod)
   * @param trigger description of the trigger
   * @param decision {@code rollback}, {@code dry_run}, {@code failed} or an ignore reason
   * @param detail explanation
   */
  public record Outcome(
      String namespace, String deployment, String trigger, String decision, String detail) {}

  /** One observe → decide → act pass; {@code conflict} asks for another. */
  private record Attempt(Outcome outcome, boolean conflict) {}

  private final ClusterReader reader;
  private final RollbackDecider decider;
  private final RollbackExecutor executor;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final MemoryStore memory = new MemoryStore();
  private final Object[] stripes = new Object[STRIPES];
  private final Set<String> reportedNoHistory = ConcurrentHashMap.newKeySet();
  private final Retry conflictRetry;
  private final ScheduledExecutorService restorer;
  private final AtomicLong term = new AtomicLong();
  private volatile boolean elected;
  private volatile boolean restored;
  private volatile String notReady = "not the leader";

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
    this.restorer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "memory-restore");
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether this instance acts: it holds the Lease and has restored its memory. */
  public boolean leading() {
    return elected && restored;
  }

  /** Why this instance does not act, or null when it does. */
  public String notReadyReason() {
    return leading() ? null : notReady;
  }

  /**
   * Starts or stops acting. On start, the memory of earlier rollbacks is first rebuilt from the
   * cluster (retried with backoff while the API server cannot be read); only then does {@link
   * #leading()} become true.
   *
   * @param leading new state
   */
  public void setLeading(boolean leading) {
    long current = term.incrementAndGet();
    restored = false;
    elected = leading;
    metrics.leader(false);
    if (leading) {
      notReady = "restoring rollback memory from the cluster";
      try {
        restorer.execute(() -> restore(current, 0));
      } catch (RejectedExecutionException e) {
        // Closed while the election still reported a late start: stay not leading.
        elected = false;
      }
    } else {
      notReady = "not the leader";
    }
  }

  private void restore(long myTerm, int attempt) {
    if (myTerm != term.get() || !elected) {
      return;
    }
    try {
      ClusterReader.History history =
          reader.history(
              decider.policy().namespaces(),
              RollbackExecutor.COMPONENT,
              RollbackExecutor.EVENT_REASON);
      int recent = memory.restore(history, clock.instant());
      if (myTerm != term.get()) {
        return;
      }
      restored = true;
      notReady = null;
      metrics.leader(true);
      LOG.info(
          "Leading: rollback memory restored ({} rollbacks in the last hour); acting on triggers",
          recent);
    } catch (RuntimeException e) {
      long delay =
          Math.min(
              FIRST_RESTORE_DELAY.toMillis() << Math.min(attempt, 10),
              MAX_RESTORE_DELAY.toMillis());
      notReady = "cannot read rollback history from the API server: " + LogSafe.clean(reason(e));
      metrics.failure("read_failed");
      // One line per attempt, no stack trace: an unreachable API server is an expected condition.
      LOG.warn(
          "Cannot restore rollback memory (attempt {}): {}; retrying in {} ms",
          attempt + 1,
          LogSafe.clean(reason(e)),
          delay);
      try {
        restorer.schedule(() -> restore(myTerm, attempt + 1), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // Shutting down.
      }
    }
  }

  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage();
    return root == e ? message : e.getMessage() + " (" + root.getClass().getSimpleName() + ")";
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
      metrics.ignored("alert", Reason.INVALID_ALERT.label());
      LOG.warn(
          "Rejected alerts[{}] ({}): {}",
          alert.index(),
          LogSafe.clean(alert.alertName()),
          LogSafe.clean(alert.problem()));
      return new Outcome(
          ns, deployment, description, Reason.INVALID_ALERT.label(), alert.problem());
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
    java.util.Optional<Decision> early = decider.precheck(probe);
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
        return new Outcome(ns, deployment, description, FAILED, "could not read pod " + pod);
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
      if (!leading()) {
        return ignored(
            trigger,
            trigger.namespace(),
            trigger.deployment(),
            Decision.ignore(Reason.NOT_LEADER, "this instance does not act: " + notReady));
      }
      java.util.Optional<Decision> early = decider.precheck(trigger);
      if (early.isPresent()) {
        return ignored(trigger, trigger.namespace(), trigger.deployment(), early.get());
      }
      synchronized (stripe(trigger)) {
        Attempt last = conflictRetry.executeSupplier(() -> attempt(trigger, receivedNanos));
        if (last.conflict()) {
          LOG.warn(
              "Giving up on {} after {} conflicts: the Deployment keeps changing",
              trigger.describe(),
              conflictRetry.getRetryConfig().getMaxAttempts());
          return outcome(
              trigger,
              FAILED,
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

  private Attempt attempt(Trigger trigger, long receivedNanos) {
    Deployment deployment;
    List<ReplicaSet> replicaSets;
    try {
      deployment = reader.deployment(trigger.namespace(), trigger.deployment());
      replicaSets = deployment == null ? List.of() : reader.replicaSets(deployment);
    } catch (KubernetesClientException e) {
      metrics.failure("read_failed");
      LOG.warn("Could not read deployment state: {}", LogSafe.clean(e.getMessage()));
      return new Attempt(
          outcome(trigger, FAILED, "could not read the Deployment: HTTP " + e.getCode()), false);
    }
    Instant now = clock.instant();
    Memory known =
        deployment == null ? Memory.empty() : memory.memoryFor(deployment, replicaSets, now);
    Decision decision = decider.decide(deployment, replicaSets, trigger, known, now);
    if (!decision.isRollback()) {
      if (decision.reason() == Reason.NO_PREVIOUS_REVISION) {
        reportNoHistory(deployment, decision, now);
      }
      return new Attempt(
          ignored(trigger, trigger.namespace(), trigger.deployment(), decision), false);
    }
    int cap = decider.policy().maxRollbacksPerHour();
    if (!memory.reserve(deployment, now, cap)) {
      return new Attempt(
          ignored(
              trigger,
              trigger.namespace(),
              trigger.deployment(),
              Decision.ignore(
                  Reason.RATE_LIMITED,
                  cap + " rollbacks in the last hour, MAX_ROLLBACKS_PER_HOUR is " + cap)),
          false);
    }
    RollbackExecutor.Result result =
        executor.apply(deployment, trigger, decision, now, receivedNanos);
    switch (result) {
      case CONFLICT -> {
        memory.release(deployment, now);
        return new Attempt(null, true);
      }
      case FAILED -> {
        memory.release(deployment, now);
        return new Attempt(outcome(trigger, FAILED, "patch failed: " + decision.detail()), false);
      }
      default -> {
        boolean dryRun = result == RollbackExecutor.Result.DRY_RUN;
        memory.remember(
            deployment,
            new RollbackRecord(
                decision.from(),
                decision.to(),
                trigger.reason(),
                trigger.kind() == Trigger.Kind.ALERT ? "alert" : "rollout",
                now,
                dryRun));
        return new Attempt(
            outcome(trigger, dryRun ? "dry_run" : "rollback", decision.detail()), false);
      }
    }
  }

  /** One Warning Event per Deployment generation that wanted a rollback but had no history. */
  private void reportNoHistory(Deployment deployment, Decision decision, Instant now) {
    String key =
        deployment.getMetadata().getNamespace()
            + "/"
            + deployment.getMetadata().getName()
            + "#"
            + deployment.getMetadata().getGeneration();
    if (reportedNoHistory.size() > MAX_REPORTED) {
      reportedNoHistory.clear();
    }
    if (reportedNoHistory.add(key)) {
      LOG.warn("Cannot roll back: {}", LogSafe.clean(decision.detail()));
      executor.reportNoHistory(deployment, decision.detail(), now);
    }
  }

  private Outcome ignored(Trigger trigger, String ns, String deployment, Decision decision) {
    String kind = trigger.kind() == Trigger.Kind.ALERT ? "alert" : "rollout";
    metrics.ignored(kind, decision.reason().label());
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
    return new Outcome(
        ns, deployment, trigger.describe(), decision.reason().label(), decision.detail());
  }

  private static Outcome outcome(Trigger trigger, String decision, String detail) {
    return new Outcome(
        trigger.namespace(), trigger.deployment(), trigger.describe(), decision, detail);
  }

  /** Stops the memory-restore thread. */
  @Override
  public void close() {
    restorer.shutdownNow();
  }
}
