package dev.selfheal.rollback.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's durable memory, kept in the cluster. Two annotations, both holding the same JSON
 * record (from/to revision, reason, trigger, time):
 *
 * <ul>
 *   <li>{@link #BAD_REVISION} on the ReplicaSet that was rolled back from. It lives on the revision
 *       itself, so a manual {@code kubectl rollout undo} (which replaces the Deployment's
 *       annotations) or a GitOps revert cannot wipe it, and it goes away with the ReplicaSet.
 *   <li>{@link #LAST_ROLLBACK} on the Deployment, for people ({@code kubectl get deployment -o
 *       yaml}) and as a second source of the latest rollback's time.
 * </ul>
 *
 * <p>The Deployment controller copies a Deployment's annotations onto its current ReplicaSet, and
 * {@code kubectl rollout undo} copies a ReplicaSet's back onto the Deployment; a bad-revision
 * record therefore only counts on the ReplicaSet whose {@code pod-template-hash} it names.
 */
public final class RollbackAnnotations {

  /** JSON record of the latest rollback, on the Deployment. */
  public static final String LAST_ROLLBACK = "rollback.selfheal.dev/last-rollback";

  /** JSON record of the rollback away from this revision, on the bad ReplicaSet. */
  public static final String BAD_REVISION = Revisions.BAD_REVISION_ANNOTATION;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RollbackAnnotations() {}

  /** Serialises a record for {@link #LAST_ROLLBACK} and {@link #BAD_REVISION}. */
  public static String toJson(RollbackRecord record) {
    ObjectNode node = JSON.createObjectNode();
    node.set("from", revision(record.from()));
    node.set("to", revision(record.to()));
    node.put("reason", record.reason());
    node.put("trigger", record.trigger());
    node.put("time", record.time().toString());
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise rollback record", e);
    }
  }

  /** The latest rollback recorded on the Deployment; empty when absent or unreadable. */
  public static Optional<RollbackRecord> lastRollback(Deployment deployment) {
    return parse(annotation(deployment, LAST_ROLLBACK));
  }

  /**
   * The bad-revision record of a ReplicaSet; empty when absent, unreadable, or a copy about another
   * template (see the class comment).
   */
  public static Optional<RollbackRecord> badRevision(ReplicaSet rs) {
    String hash = Revisions.templateHashOf(rs);
    return parse(annotation(rs, BAD_REVISION))
        .filter(record -> hash.equals(record.from().templateHash()));
  }

  private static Optional<RollbackRecord> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(raw);
      if (node == null || !node.isObject()) {
        return Optional.empty();
      }
      return Optional.of(
          new RollbackRecord(
              readRevision(node.path("from")),
              readRevision(node.path("to")),
              node.path("reason").asText(),
              node.path("trigger").asText(),
              Instant.parse(node.path("time").asText()),
              false));
    } catch (IOException | DateTimeParseException e) {
      // A hand-edited annotation must not stop the controller; treat it as absent.
      return Optional.empty();
    }
  }

  private static String annotation(HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static ObjectNode revision(Revision revision) {
    ObjectNode node = JSON.createObjectNode();
    node.put("revision", revision.number());
    node.put("replicaSet", revision.replicaSet());
    node.put("templateHash", revision.templateHash());
    return node;
  }

  private static Revision readRevision(JsonNode node) {
    return new Revision(
        node.path("revision").asLong(),
        node.path("replicaSet").asText(),
        node.path("templateHash").asText());
  }
}
