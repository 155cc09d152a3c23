package dev.selfheal.rollback.act;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Overrides;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.util.Map;

/**
 * The bodies {@link RollbackExecutor} sends: the JSON patch (RFC 6902) that rolls a Deployment back
 * the way {@code kubectl rollout undo} does, and the merge patch that marks a ReplicaSet as bad.
 * Pure functions of what was read and decided, so the exact PATCH can be tested without a server.
 */
final class RollbackPatch {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RollbackPatch() {}

  /** The JSON patch (RFC 6902) for a rollback. */
  static String rollback(Deployment deployment, Decision decision, RollbackRecord record) {
    ArrayNode ops = JSON.createArrayNode();
    // The precondition. Not a JSON-patch "test" operation: the API server reports a failed test as
    // 422 (indistinguishable from a bad patch), and fabric8's mock server never answers one.
    ops.addObject()
        .put("op", "replace")
        .put("path", "/metadata/resourceVersion")
        .put("value", deployment.getMetadata().getResourceVersion());
    ops.addObject()
        .put("op", "replace")
        .put("path", "/spec/template")
        .set("value", Revisions.templateWithoutHash(decision.target().getSpec().getTemplate()));
    Map<String, String> annotations = annotations(deployment, decision);
    annotations.put(RollbackAnnotations.LAST_ROLLBACK, RollbackAnnotations.toJson(record));
    // "add" replaces an existing member and also works when the Deployment has no annotations.
    ObjectNode values =
        ops.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value");
    annotations.forEach(values::put);
    try {
      return JSON.writeValueAsString(ops);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise patch", e);
    }
  }

  /** The merge patch that writes the bad-revision record onto the ReplicaSet rolled back from. */
  static String badMark(RollbackRecord record) {
    ObjectNode patch = JSON.createObjectNode();
    patch
        .putObject("metadata")
        .putObject("annotations")
        .put(RollbackAnnotations.BAD_REVISION, RollbackAnnotations.toJson(record));
    return patch.toString();
  }

  /** The annotations as kubectl computes them, keeping the owner's per-Deployment settings. */
  private static Map<String, String> annotations(Deployment deployment, Decision decision) {
    Map<String, String> annotations =
        KubectlUndo.annotations(
            deployment.getMetadata().getAnnotations(),
            decision.target().getMetadata().getAnnotations());
    // The owner's per-Deployment settings stay what they are now, not what the target had.
    annotations.keySet().removeIf(Overrides.SETTINGS::contains);
    Map<String, String> own = deployment.getMetadata().getAnnotations();
    if (own != null) {
      own.forEach(
          (k, v) -> {
            if (Overrides.SETTINGS.contains(k)) {
              annotations.put(k, v);
            }
          });
    }
    return annotations;
  }
}
