package dev.selfheal.rollback.act;

import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "act" step: applies a rollback decision the way {@code kubectl rollout undo} does (one JSON
 * patch replacing {@code spec.template} with the target ReplicaSet's template minus {@code
 * pod-template-hash}, and the annotations as {@link KubectlUndo} computes them), records the bad
 * revision on its ReplicaSet, explains itself in a Kubernetes Event, and counts it.
 *
 * <p>We do not use fabric8's {@code rolling().undo()}: it keeps {@code pod-template-hash} in the
 * template, overwrites the controller-owned revision annotation, has no optimistic-concurrency
 * check, fails on a single revision or a missing annotation, and knows none of our safety rules.
 * The patch here first replaces {@code metadata.resourceVersion} with the value we read: the API
 * server treats a resourceVersion in a patch as a precondition and answers 409 Conflict when the
 * Deployment changed after we read it; the caller then reads again and decides again.
 */
public final class RollbackExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RollbackExecutor.class);

  /** Event reason for applied rollbacks. */
  public static final String EVENT_REASON = "RolledBack";

  /** Component name in Events. */
  public static final String COMPONENT = "rollback-controller";

  /** Called after each acknowledged patch; the benchmark uses it. */
  @FunctionalInterface
  public interface PatchListener {
    /**
     * A rollback patch was acknowledged.
     *
     * @param namespace namespace
     * @param deployment Deployment name
     * @param latencyNanos time from trigger receipt to acknowledgement
     */
    void patched(String namespace, String deployment, long latencyNanos);
  }

  /** What happened when a decision was applied. */
  public enum Result {
    APPLIED,
    DRY_RUN,
    /** The Deployment changed after it was read (HTTP 409): read again and decide again. */
    CONFLICT,
    FAILED
  }

  /** Event reason when a rollback was wanted but there is nothing to roll back to. */
  public static final String NO_HISTORY_REASON = "RollbackImpossible";

  /** Event reason when a rollback was wanted and is left to a person. */
  public static final String WITHHELD_REASON = "RollbackWithheld";

  /**
   * The field manager named on every write, as {@code kubectl} names itself: {@code kubectl get
   * deployment -o yaml --show-managed-fields} then tells the controller's writes from a person's
   * and a GitOps tool's.
   */
  public static final String FIELD_MANAGER = COMPONENT;

  private static final PatchContext PATCH_JSON =
      new PatchContext.Builder()
          .withPatchType(PatchType.JSON)
          .withFieldManager(FIELD_MANAGER)
          .build();
  private static final PatchContext PATCH_MERGE =
      new PatchContext.Builder()
          .withPatchType(PatchType.JSON_MERGE)
          .withFieldManager(FIELD_MANAGER)
          .build();

  private final KubernetesClient client;
  private final ControllerMetrics metrics;
  private final boolean dryRun;
  private final EventRecorder events;
  private final PatchListener listener;

  /**
   * Creates an executor.
   *
   * @param client API client
   * @param metrics metrics
   * @param dryRun when true nothing is written
   * @param identity this instance's name (Event reportingInstance)
   * @param listener notified after each patch, may be null
   */
  public RollbackExecutor(
      KubernetesClient client,
      ControllerMetrics metrics,
      boolean dryRun,
      String identity,
      PatchListener listener) {
    this.client = Objects.requireNonNull(client);
    this.metrics = Objects.requireNonNull(metrics);
    this.dryRun = dryRun;
    this.events = new EventRecorder(client, metrics, identity);
    this.listener = listener == null ? (ns, name, nanos) -> {} : listener;
  }

  /**
   * Applies a rollback decision.
   *
   * @param deployment the Deployment the decision was made on
   * @param trigger why
   * @param decision a {@link Decision.Outcome#ROLLBACK} decision
   * @param now current time
   * @param receivedNanos {@link System#nanoTime()} when the trigger arrived
   * @return the outcome
   */
  public Result apply(
      Deployment deployment, Trigger trigger, Decision decision, Instant now, long receivedNanos) {
    String ns = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    String kind = trigger.kind().label();
    boolean dry = dryRun || decision.dryRun();
    RollbackRecord record =
        new RollbackRecord(decision.from(), decision.to(), trigger.reason(), kind, now, dry);
    if (dry) {
      metrics.dryRunRollback(ns, name, trigger.reason());
      LOG.info("DRY_RUN: would roll back: {}", decision.detail());
      return Result.DRY_RUN;
    }
    try {
      client
          .apps()
          .deployments()
          .inNamespace(ns)
          // resource(...) rather than withName(...): the latter GETs the object before patching.
          .resource(deployment)
          .patch(PATCH_JSON, RollbackPatch.rollback(deployment, decision, record));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        metrics.failure("conflict");
        LOG.info("Deployment changed since it was read (HTTP 409); reading it again");
        return Result.CONFLICT;
      }
      metrics.failure("patch_failed");
      LOG.warn("Rollback patch failed (HTTP {}): {}", e.getCode(), LogSafe.clean(e.getMessage()));
      return Result.FAILED;
    }
    long latency = System.nanoTime() - receivedNanos;
    metrics.triggerToPatch(kind, latency / 1e9);
    metrics.rollback(ns, name, trigger.reason());
    listener.patched(ns, name, latency);
    LOG.info("Rolled back: {}", LogSafe.clean(decision.detail()));
    markBad(decision, ns, record);
    events.record(
        deployment, "Warning", EVENT_REASON, "Rolled back " + decision.detail(), now, null);
    return Result.APPLIED;
  }

  /**
   * Records on the Deployment, once per revision, that a rollback was wanted but is impossible (no
   * earlier ReplicaSet, e.g. because {@code revisionHistoryLimit} is 0).
   *
   * @param deployment the Deployment
   * @param detail why
   * @param now current time
   * @param key what makes this report one of its kind: the Event's name is derived from it
   */
  public void reportNoHistory(Deployment deployment, String detail, Instant now, String key) {
    if (!dryRun) {
      events.record(
          deployment, "Warning", NO_HISTORY_REASON, "Cannot roll back: " + detail, now, key);
    }
  }

  /**
   * Records on the Deployment that a rollback was wanted and is left to a person (a re-applied bad
   * revision, a target recorded as bad, a cap, an invalid annotation), with what to do.
   *
   * @param deployment the Deployment
   * @param reason the decision's reason label
   * @param detail why, and what a person can do
   * @param now current time
   * @param key what makes this report one of its kind: the Event's name is derived from it
   */
  public void reportWithheld(
      Deployment deployment, String reason, String detail, Instant now, String key) {
    if (!dryRun) {
      events.record(
          deployment,
          "Warning",
          WITHHELD_REASON,
          "Rollback withheld (" + reason + "): " + detail,
          now,
          key);
    }
  }

  /**
   * Writes the bad-revision record onto the ReplicaSet rolled back from. A failure here leaves the
   * rollback in place: the Deployment's last-rollback annotation and this process still know.
   */
  private void markBad(Decision decision, String ns, RollbackRecord record) {
    try {
      client
          .apps()
          .replicaSets()
          .inNamespace(ns)
          // resource(...) with just the name: withName(...) would GET it first.
          .resource(
              new ReplicaSetBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName(decision.from().replicaSet())
                  .endMetadata()
                  .build())
          .patch(PATCH_MERGE, RollbackPatch.badMark(record));
    } catch (KubernetesClientException e) {
      metrics.failure("mark_failed");
      LOG.warn(
          "Could not record {} as bad (HTTP {}): {}",
          decision.from().replicaSet(),
          e.getCode(),
          LogSafe.clean(e.getMessage()));
    }
  }
}
