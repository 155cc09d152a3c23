package dev.selfheal.rollback.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The controller's durable memory, kept on the Deployment itself: the latest rollback as JSON and
 * the template hashes it was ever rolled back from. A restarted or newly elected controller reads
 * them back, so cooldown and the ping-pong guard survive restarts.
 */
public final class RollbackAnnotations {

  /** JSON record of the latest rollback. */
  public static final String LAST_ROLLBACK = "rollback.selfheal.dev/last-rollback";

  /** Comma-separated template hashes this Deployment was rolled back from (newest last). */
  public static final String ROLLED_BACK_FROM = "rollback.selfheal.dev/rolled-back-from";

  /** How many hashes {@link #ROLLED_BACK_FROM} keeps; annotation values must stay small. */
  public static final int MAX_REMEMBERED = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private RollbackAnnotations() {}

  /** Serialises a record for {@link #LAST_ROLLBACK}. */
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
    String raw = annotation(deployment, LAST_ROLLBACK);
    if (raw == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(raw);
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

  /** Template hashes the Deployment was rolled back from. */
  public static Set<String> rolledBackFrom(Deployment deployment) {
    String raw = annotation(deployment, ROLLED_BACK_FROM);
    Set<String> hashes = new LinkedHashSet<>();
    if (raw != null) {
      Arrays.stream(raw.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(hashes::add);
    }
    return hashes;
  }

  /** The {@link #ROLLED_BACK_FROM} value after adding {@code hash}, bounded in length. */
  public static String withRolledBackFrom(Deployment deployment, String hash) {
    List<String> hashes = new ArrayList<>(rolledBackFrom(deployment));
    hashes.remove(hash);
    hashes.add(hash);
    while (hashes.size() > MAX_REMEMBERED) {
      hashes.remove(0);
    }
    return String.join(",", hashes);
  }

  private static String annotation(Deployment deployment, String key) {
    Map<String, String> annotations = deployment.getMetadata().getAnnotations();
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
