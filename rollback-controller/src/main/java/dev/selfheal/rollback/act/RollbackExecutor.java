package dev.selfheal.rollback.act;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "act" step: applies a rollback decision the way {@code kubectl rollout undo} does (one JSON
 * patch replacing {@code spec.template} with the target ReplicaSet's template minus {@code
 * pod-template-hash}), records why in annotations and a Kubernetes Event, and counts it.
 *
 * <p>We do not use fabric8's {@code rolling().undo()}: it keeps {@code pod-template-hash} in the
 * template, overwrites the controller-owned revision annotation, has no optimistic-concurrency
 * check, fails on a single revision or a missing annotation, and knows none of our safety rules.
 * The patch here starts with a JSON-patch {@code test} of {@code metadata.resourceVersion}, so a
 * Deployment that changed after we decided is left alone (the next trigger decides again).
 */
public final class RollbackExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RollbackExecutor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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
    FAILED
  }

  // ReplicaSet annotations kubectl rollout undo does not copy back onto the Deployment.
  private static final Set<String> NOT_RESTORED =
      Set.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          "deployment.kubernetes.io/revision",
          "deployment.kubernetes.io/revision-history",
          "deployment.kubernetes.io/desired-replicas",
          "deployment.kubernetes.io/max-replicas",
          "deprecated.deployment.rollback.to");

  private final KubernetesClient client;
  private final ControllerMetrics metrics;
  private final boolean dryRun;
  private final String identity;
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
    this.identity = Objects.requireNonNull(identity);
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
    String kind = trigger.kind() == Trigger.Kind.ALERT ? "alert" : "rollout";
    RollbackRecord record =
        new RollbackRecord(decision.from(), decision.to(), trigger.reason(), kind, now, dryRun);
    if (dryRun) {
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
          .patch(PatchContext.of(PatchType.JSON), patchFor(deployment, decision, record));
    } catch (KubernetesClientException e) {
      String reason = e.getCode() == 409 || e.getCode() == 422 ? "conflict" : "patch_failed";
      metrics.failure(reason);
      LOG.warn("Rollback patch failed ({}, HTTP {}): {}", reason, e.getCode(), e.getMessage());
      return Result.FAILED;
    }
    long latency = System.nanoTime() - receivedNanos;
    metrics.triggerToPatch(kind, latency / 1e9);
    metrics.rollback(ns, name, trigger.reason());
    listener.patched(ns, name, latency);
    LOG.info("Rolled back: {}", decision.detail());
    recordEvent(deployment, decision, now);
    return Result.APPLIED;
  }

  /** The JSON patch (RFC 6902) for a rollback; package-visible for the exact-PATCH test. */
  static String patchFor(Deployment deployment, Decision decision, RollbackRecord record) {
    ArrayNode ops = JSON.createArrayNode();
    ops.addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", deployment.getMetadata().getResourceVersion());
    ops.addObject()
        .put("op", "replace")
        .put("path", "/spec/template")
        .set("value", Revisions.templateWithoutHash(decision.target().getSpec().getTemplate()));
    if (deployment.getMetadata().getAnnotations() == null) {
      ops.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value");
    }
    // Like kubectl rollout undo: the restored revision's own annotations (e.g. its
    // kubernetes.io/change-cause) come back with its template, except the controller-managed ones.
    Map<String, String> targetAnnotations = decision.target().getMetadata().getAnnotations();
    if (targetAnnotations != null) {
      new TreeMap<>(targetAnnotations)
          .forEach(
              (key, value) -> {
                if (!NOT_RESTORED.contains(key)) {
                  ops.addObject()
                      .put("op", "add")
                      .put("path", "/metadata/annotations/" + escape(key))
                      .put("value", value);
                }
              });
    }
    ops.addObject()
        .put("op", "add")
        .put("path", "/metadata/annotations/" + escape(RollbackAnnotations.LAST_ROLLBACK))
        .put("value", RollbackAnnotations.toJson(record));
    ops.addObject()
        .put("op", "add")
        .put("path", "/metadata/annotations/" + escape(RollbackAnnotations.ROLLED_BACK_FROM))
        .put(
            "value",
            RollbackAnnotations.withRolledBackFrom(deployment, decision.from().templateHash()));
    try {
      return JSON.writeValueAsString(ops);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise patch", e);
    }
  }

  private void recordEvent(Deployment deployment, Decision decision, Instant at) {
    // Event timestamps are RFC 3339 with second precision on the API server.
    Instant now = at.truncatedTo(ChronoUnit.SECONDS);
    String ns = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                name
                    + "."
                    + Long.toHexString(at.toEpochMilli())
                    + String.format(
                        Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000)))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("apps/v1")
            .withKind("Deployment")
            .withNamespace(ns)
            .withName(name)
            .withUid(deployment.getMetadata().getUid())
            .endInvolvedObject()
            .withType("Warning")
            .withReason(EVENT_REASON)
            .withMessage("Rolled back " + decision.detail())
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(identity)
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      // The rollback itself succeeded and is recorded in the annotation; do not undo it.
      metrics.failure("event_failed");
      LOG.warn("Could not record Event for rollback of {}/{}: {}", ns, name, e.getMessage());
    }
  }

  /** Escapes a key for a JSON pointer (RFC 6901). */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
