package dev.selfheal.rollback.controller;

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
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs observe, decide, act for one trigger at a time. Both triggers (webhook and watch) come
 * through here; a single lock serialises them so the cooldown and the hourly cap see every
 * rollback, and two signals about the same bad revision lead to one rollback.
 */
public final class Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

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

  private final ClusterReader reader;
  private final RollbackDecider decider;
  private final RollbackExecutor executor;
  private final ControllerMetrics metrics;
  private final Clock clock;
  private final MemoryStore memory = new MemoryStore();
  private volatile boolean leading;
  private boolean seeded;
  private Supplier<Optional<Collection<Deployment>>> known = () -> Optional.of(List.of());

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
    this.reader = Objects.requireNonNull(reader);
    this.decider = Objects.requireNonNull(decider);
    this.executor = Objects.requireNonNull(executor);
    this.metrics = Objects.requireNonNull(metrics);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Whether this instance currently acts (holds the Lease). */
  public boolean leading() {
    return leading;
  }

  /**
   * Starts or stops acting. On start the hourly ledger is re-seeded, before the first decision,
   * from the annotations of the Deployments the watch knows.
   *
   * @param leading new state
   */
  public synchronized void setLeading(boolean leading) {
    this.leading = leading;
    this.seeded = false;
    metrics.leader(leading);
  }

  /**
   * Where to find every watched Deployment once the watch cache is synced (empty before), to seed
   * the global hourly ledger from their last-rollback annotations.
   *
   * @param known supplier of the synced cache content
   */
  public void useKnownDeployments(Supplier<Optional<Collection<Deployment>>> known) {
    this.known = Objects.requireNonNull(known);
  }

  /**
   * Handles one alert from a webhook notification.
   *
   * @param alert the alert
   * @param receivedNanos when the request arrived
   * @return the outcome
   */
  public Outcome handleAlert(AlertNotification.Alert alert, long receivedNanos) {
    String ns = alert.labels().getOrDefault("namespace", "");
    String deployment = alert.labels().get("deployment");
    String pod = alert.labels().get("pod");
    String description = "alert " + alert.alertName();
    // Rules that need no API reads first, so irrelevant alerts cost nothing.
    Trigger probe =
        Trigger.alert(
            alert.alertName(),
            ns,
            deployment == null ? "" : deployment,
            null,
            alert.startsAt(),
            alert.firing());
    Optional<Decision> early = decider.precheck(probe);
    if (early.isPresent()) {
      return ignored(probe, ns, deployment, early.get());
    }
    String replicaSet = null;
    if (pod != null) {
      // The pod names the exact revision the alert is about, which makes stale alerts detectable.
      ClusterReader.PodOwner owner;
      try {
        owner = reader.ownerOfPod(ns, pod);
      } catch (KubernetesClientException e) {
        metrics.failure("read_failed");
        LOG.warn("Could not resolve pod {}/{}: {}", ns, pod, e.getMessage());
        return new Outcome(ns, deployment, description, "failed", "could not read pod " + pod);
      }
      if (owner.problem() == null) {
        deployment = owner.deployment();
        replicaSet = owner.replicaSet();
      } else if (deployment == null || owner.problem() != Reason.POD_NOT_FOUND) {
        // A pod that is gone is normal once a rollback replaced it: the deployment label and
        // startsAt still let the decider judge the alert. Any other problem is final.
        return ignored(
            probe,
            ns,
            deployment,
            Decision.ignore(
                owner.problem(), "pod " + ns + "/" + pod + ": " + owner.problem().label()));
      }
    }
    Trigger trigger =
        Trigger.alert(alert.alertName(), ns, deployment, replicaSet, alert.startsAt(), true);
    return handle(trigger, receivedNanos);
  }

  /**
   * Observes the Deployment, decides and acts.
   *
   * @param trigger why
   * @param receivedNanos when the trigger arrived ({@link System#nanoTime()})
   * @return the outcome
   */
  public synchronized Outcome handle(Trigger trigger, long receivedNanos) {
    MDC.put("namespace", trigger.namespace());
    MDC.put("deployment", trigger.deployment());
    try {
      if (!leading) {
        return ignored(
            trigger,
            trigger.namespace(),
            trigger.deployment(),
            Decision.ignore(Reason.NOT_LEADER, "this instance is not the leader"));
      }
      Optional<Decision> early = decider.precheck(trigger);
      if (early.isPresent()) {
        return ignored(trigger, trigger.namespace(), trigger.deployment(), early.get());
      }
      Deployment deployment;
      List<ReplicaSet> replicaSets;
      try {
        deployment = reader.deployment(trigger.namespace(), trigger.deployment());
        replicaSets = deployment == null ? List.of() : reader.replicaSets(deployment);
      } catch (KubernetesClientException e) {
        metrics.failure("read_failed");
        LOG.warn("Could not read deployment state: {}", e.getMessage());
        return outcome(trigger, "failed", "could not read the Deployment: HTTP " + e.getCode());
      }
      Instant now = clock.instant();
      if (!seeded) {
        known
            .get()
            .ifPresent(
                all -> {
                  memory.seed(all, now);
                  seeded = true;
                });
      }
      Decision decision =
          decider.decide(
              deployment,
              replicaSets,
              trigger,
              deployment == null ? Memory.empty() : memory.memoryFor(deployment, now),
              now);
      if (!decision.isRollback()) {
        return ignored(trigger, trigger.namespace(), trigger.deployment(), decision);
      }
      RollbackExecutor.Result result =
          executor.apply(deployment, trigger, decision, now, receivedNanos);
      if (result == RollbackExecutor.Result.FAILED) {
        return outcome(trigger, "failed", "patch failed: " + decision.detail());
      }
      memory.remember(
          deployment,
          new RollbackRecord(
              decision.from(),
              decision.to(),
              trigger.reason(),
              trigger.kind().name(),
              now,
              result == RollbackExecutor.Result.DRY_RUN));
      return outcome(
          trigger,
          result == RollbackExecutor.Result.DRY_RUN ? "dry_run" : "rollback",
          decision.detail());
    } finally {
      MDC.remove("namespace");
      MDC.remove("deployment");
    }
  }

  private Outcome ignored(Trigger trigger, String ns, String deployment, Decision decision) {
    String kind = trigger.kind() == Trigger.Kind.ALERT ? "alert" : "rollout";
    metrics.ignored(kind, decision.reason().label());
    if (trigger.kind() == Trigger.Kind.ALERT) {
      LOG.info(
          "Ignored {} for {}/{}: {} ({})",
          trigger.describe(),
          ns,
          deployment,
          decision.reason().label(),
          decision.detail());
    } else {
      LOG.debug(
          "Ignored {}: {} ({})", trigger.describe(), decision.reason().label(), decision.detail());
    }
    return new Outcome(
        ns, deployment, trigger.describe(), decision.reason().label(), decision.detail());
  }

  private static Outcome outcome(Trigger trigger, String decision, String detail) {
    return new Outcome(
        trigger.namespace(), trigger.deployment(), trigger.describe(), decision, detail);
  }
}
