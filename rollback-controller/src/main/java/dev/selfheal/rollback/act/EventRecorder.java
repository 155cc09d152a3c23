package dev.selfheal.rollback.act;

import dev.selfheal.rollback.metrics.ControllerMetrics;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Kubernetes Events in which {@link RollbackExecutor} explains itself on a Deployment. A
 * failed write is counted and logged, never thrown: the rollback it reports has already happened.
 */
final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final ControllerMetrics metrics;
  private final String identity;

  EventRecorder(KubernetesClient client, ControllerMetrics metrics, String identity) {
    this.client = Objects.requireNonNull(client);
    this.metrics = Objects.requireNonNull(metrics);
    this.identity = Objects.requireNonNull(identity);
  }

  /**
   * Records one Event on the Deployment.
   *
   * @param key null for a new Event each time; otherwise what makes the report one of its kind, so
   *     that it is written once (a 409 means it already was)
   */
  void record(
      Deployment deployment, String type, String reason, String message, Instant at, String key) {
    String ns = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    Event event = event(deployment, type, reason, message, at, key);
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      if (key != null && e.getCode() == 409) {
        LOG.debug("Event {} for {}/{} was already recorded", reason, ns, name);
        return;
      }
      // The rollback itself succeeded and is recorded in the annotation; do not undo it.
      metrics.failure("event_failed");
      LOG.warn(
          "Could not record Event {} for {}/{}: {}",
          reason,
          ns,
          name,
          LogSafe.clean(e.getMessage()));
    }
  }

  private Event event(
      Deployment deployment, String type, String reason, String message, Instant at, String key) {
    // Event timestamps are RFC 3339 with second precision on the API server.
    Instant now = at.truncatedTo(ChronoUnit.SECONDS);
    String ns = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(eventName(name, at, key))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withNamespace(ns)
        .withName(name)
        .withUid(deployment.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource()
        .withComponent(RollbackExecutor.COMPONENT)
        .endSource()
        .withReportingComponent(RollbackExecutor.COMPONENT)
        .withReportingInstance(identity)
        .withFirstTimestamp(now.toString())
        .withLastTimestamp(now.toString())
        .withCount(1)
        .build();
  }

  /**
   * An Event name: random for each rollback; for a report, derived from its key, so the same report
   * is one Event across restarts and leaders.
   */
  private static String eventName(String deployment, Instant at, String key) {
    String prefix = deployment.length() > 200 ? deployment.substring(0, 200) : deployment;
    if (key == null) {
      return prefix
          + "."
          + Long.toHexString(at.toEpochMilli())
          + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return prefix + ".report-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
