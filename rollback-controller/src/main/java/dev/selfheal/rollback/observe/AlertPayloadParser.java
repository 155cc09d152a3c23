package dev.selfheal.rollback.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.runtime.http.HttpError;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates an Alertmanager webhook body. Every rejection names the JSON path of the
 * problem. The body as a whole must be JSON nested at most {@link #MAX_DEPTH} levels (Alertmanager
 * needs 4), payload version 4, with at most {@code maxAlerts} alerts; otherwise the whole request
 * is rejected. Each alert is then checked on its own: alerts that could trigger a rollback (firing,
 * name in the allowlist) must carry {@code namespace} and {@code deployment} or {@code pod} (or
 * both), each a valid Kubernetes name, and an optional {@code pod_template_hash} must be a valid
 * label value. A label with an empty value counts as absent, as in Prometheus. An invalid alert is
 * marked with its problem and the others are still processed; only a notification whose alerts are
 * all invalid is rejected.
 */
public final class AlertPayloadParser {

  /** The only webhook payload version Alertmanager sends today. */
  public static final String SUPPORTED_VERSION = "4";

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** Deepest accepted JSON nesting; a webhook body needs 4 levels. */
  public static final int MAX_DEPTH = 16;

  /** Default for the per-request alert cap. */
  public static final int DEFAULT_MAX_ALERTS = 200;

  private final ObjectMapper mapper;
  private final Set<String> actionableAlerts;
  private final int maxAlerts;

  /**
   * Creates a parser with the default alert cap.
   *
   * @param actionableAlerts alert names whose firing alerts must name a target
   */
  public AlertPayloadParser(Set<String> actionableAlerts) {
    this(actionableAlerts, DEFAULT_MAX_ALERTS);
  }

  /**
   * Creates a parser.
   *
   * @param actionableAlerts alert names whose firing alerts must name a target
   * @param maxAlerts most alerts accepted in one request ({@code MAX_ALERTS_PER_REQUEST})
   */
  public AlertPayloadParser(Set<String> actionableAlerts, int maxAlerts) {
    this.actionableAlerts = Set.copyOf(actionableAlerts);
    this.maxAlerts = maxAlerts;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    this.mapper = new ObjectMapper(factory);
  }

  /**
   * Parses a body.
   *
   * @param body raw request body
   * @return the notification
   * @throws HttpError 400 naming the field when the body is not acceptable
   */
  public AlertNotification parse(byte[] body) {
    JsonNode root = readObject(body);
    checkVersion(root.get("version"));
    List<AlertNotification.Alert> alerts = parseAlerts(alertsOf(root));
    return new AlertNotification(
        root.path("receiver").asText(""), root.path("status").asText(""), alerts);
  }

  /** The body as a JSON object, within the depth limit. */
  private JsonNode readObject(byte[] body) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (StreamConstraintsException e) {
      // Checked while reading, so a 100,000-deep body costs no more than 16 levels.
      throw HttpError.badRequest("body", "body is nested deeper than " + MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw HttpError.badRequest(
          "body",
          at == null
              ? "body is not valid JSON"
              : "body is not valid JSON (line "
                  + at.getLineNr()
                  + ", column "
                  + at.getColumnNr()
                  + ")");
    } catch (IOException e) {
      throw HttpError.badRequest("body", "body could not be read as JSON");
    }
    if (root == null || !root.isObject()) {
      throw HttpError.badRequest("body", "body must be a JSON object");
    }
    return root;
  }

  private static void checkVersion(JsonNode version) {
    if (version == null || !version.isTextual()) {
      throw HttpError.badRequest("version", "version is required (Alertmanager sends \"4\")");
    }
    if (!SUPPORTED_VERSION.equals(version.asText())) {
      throw HttpError.badRequest(
          "version", "unsupported payload version " + version.asText() + ", expected 4");
    }
  }

  /** The {@code alerts} array, within the per-request cap. */
  private JsonNode alertsOf(JsonNode root) {
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw HttpError.badRequest("alerts", "alerts must be an array");
    }
    if (alerts.size() > maxAlerts) {
      throw HttpError.badRequest(
          "alerts",
          "alerts has "
              + alerts.size()
              + " entries, more than MAX_ALERTS_PER_REQUEST ("
              + maxAlerts
              + "); set max_alerts on the webhook receiver");
    }
    return alerts;
  }

  /**
   * Each alert on its own: an invalid one is marked with its problem; only when every alert is
   * invalid is the request rejected, with the first problem.
   */
  private List<AlertNotification.Alert> parseAlerts(JsonNode alerts) {
    List<AlertNotification.Alert> parsed = new ArrayList<>();
    HttpError first = null;
    for (int i = 0; i < alerts.size(); i++) {
      try {
        parsed.add(parseAlert(alerts.get(i), i));
      } catch (HttpError e) {
        first = first == null ? e : first;
        parsed.add(invalid(alerts.get(i), i, e.getMessage()));
      }
    }
    if (first != null && parsed.stream().allMatch(a -> a.problem() != null)) {
      throw first;
    }
    return parsed;
  }

  private AlertNotification.Alert parseAlert(JsonNode alert, int i) {
    String path = "alerts[" + i + "]";
    if (!alert.isObject()) {
      throw HttpError.badRequest(path, path + " must be an object");
    }
    String status = alert.path("status").asText("");
    if (!status.equals("firing") && !status.equals("resolved")) {
      throw HttpError.badRequest(path + ".status", path + ".status must be firing or resolved");
    }
    JsonNode labelsNode = alert.get("labels");
    if (labelsNode == null || !labelsNode.isObject()) {
      throw HttpError.badRequest(path + ".labels", path + ".labels must be an object");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : labelsNode.properties()) {
      if (!e.getValue().isTextual()) {
        throw HttpError.badRequest(path + ".labels." + e.getKey(), "label values must be strings");
      }
      // Prometheus treats a label with an empty value as absent: so does the controller, so that
      // pod="" means "no pod" rather than a request for the pod named "".
      if (!e.getValue().asText().isEmpty()) {
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    String alertName = labels.get("alertname");
    if (alertName == null || alertName.isBlank()) {
      throw HttpError.badRequest(
          path + ".labels.alertname", path + ".labels.alertname is required");
    }
    Instant startsAt = parseTime(alert.get("startsAt"), path + ".startsAt");
    boolean firing = status.equals("firing");
    if (firing && actionableAlerts.contains(alertName)) {
      requireName(labels, "namespace", DNS_LABEL, path);
      if (!labels.containsKey("deployment") && !labels.containsKey("pod")) {
        throw HttpError.badRequest(
            path + ".labels.deployment",
            path + " (" + alertName + ") needs a deployment or pod label to find its Deployment");
      }
      // Both are checked when both are given: either may go into an API request's path.
      if (labels.containsKey("deployment")) {
        requireName(labels, "deployment", DNS_SUBDOMAIN, path);
      }
      if (labels.containsKey("pod")) {
        requireName(labels, "pod", DNS_SUBDOMAIN, path);
      }
      if (labels.containsKey("pod_template_hash")) {
        requireName(labels, "pod_template_hash", DNS_LABEL, path);
      }
    }
    JsonNode fingerprint = alert.get("fingerprint");
    return new AlertNotification.Alert(
        i, firing, labels, startsAt, fingerprint == null ? null : fingerprint.asText());
  }

  /** An invalid alert, keeping whatever string labels it has for the report. */
  private static AlertNotification.Alert invalid(JsonNode alert, int i, String problem) {
    Map<String, String> labels = new LinkedHashMap<>();
    JsonNode labelsNode = alert.path("labels");
    if (labelsNode.isObject()) {
      for (Map.Entry<String, JsonNode> e : labelsNode.properties()) {
        if (e.getValue().isTextual()) {
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return new AlertNotification.Alert(
        i, "firing".equals(alert.path("status").asText("")), labels, null, null, problem);
  }

  private static void requireName(
      Map<String, String> labels, String key, Pattern pattern, String path) {
    String value = labels.get(key);
    String field = path + ".labels." + key;
    if (value == null || value.isBlank()) {
      throw HttpError.badRequest(field, field + " is required");
    }
    if (!pattern.matcher(value).matches()) {
      throw HttpError.badRequest(field, field + " is not a valid Kubernetes name");
    }
  }

  private static Instant parseTime(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw HttpError.badRequest(field, field + " must be an RFC 3339 timestamp");
    }
    try {
      Instant t = OffsetDateTime.parse(node.asText()).toInstant();
      // Alertmanager sends the zero time for "unset".
      return t.getEpochSecond() <= 0 ? null : t;
    } catch (DateTimeParseException e) {
      throw HttpError.badRequest(field, field + " must be an RFC 3339 timestamp");
    }
  }
}
