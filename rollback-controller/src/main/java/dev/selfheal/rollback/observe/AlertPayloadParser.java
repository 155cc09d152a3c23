package dev.selfheal.rollback.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * problem. Alerts that could trigger a rollback (firing, name in the allowlist) must carry {@code
 * namespace} and either {@code deployment} or {@code pod}, each a valid Kubernetes name; other
 * alerts are passed through unchecked because the controller ignores them anyway.
 */
public final class AlertPayloadParser {

  /** The only webhook payload version Alertmanager sends today. */
  public static final String SUPPORTED_VERSION = "4";

  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final ObjectMapper mapper = new ObjectMapper();
  private final Set<String> actionableAlerts;

  /**
   * Creates a parser.
   *
   * @param actionableAlerts alert names whose firing alerts must name a target
   */
  public AlertPayloadParser(Set<String> actionableAlerts) {
    this.actionableAlerts = Set.copyOf(actionableAlerts);
  }

  /**
   * Parses a body.
   *
   * @param body raw request body
   * @return the notification
   * @throws InvalidPayloadException naming the field when the body is not acceptable
   */
  public AlertNotification parse(byte[] body) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidPayloadException(
          "body",
          "body is not valid JSON (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")");
    } catch (IOException e) {
      throw new InvalidPayloadException("body", "body could not be read as JSON");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidPayloadException("body", "body must be a JSON object");
    }
    JsonNode version = root.get("version");
    if (version == null || !version.isTextual()) {
      throw new InvalidPayloadException(
          "version", "version is required (Alertmanager sends \"4\")");
    }
    if (!SUPPORTED_VERSION.equals(version.asText())) {
      throw new InvalidPayloadException(
          "version", "unsupported payload version " + version.asText() + ", expected 4");
    }
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new InvalidPayloadException("alerts", "alerts must be an array");
    }
    List<AlertNotification.Alert> parsed = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      parsed.add(parseAlert(alerts.get(i), i));
    }
    return new AlertNotification(
        root.path("receiver").asText(""), root.path("status").asText(""), parsed);
  }

  private AlertNotification.Alert parseAlert(JsonNode alert, int i) {
    String path = "alerts[" + i + "]";
    if (!alert.isObject()) {
      throw new InvalidPayloadException(path, path + " must be an object");
    }
    String status = alert.path("status").asText("");
    if (!status.equals("firing") && !status.equals("resolved")) {
      throw new InvalidPayloadException(
          path + ".status", path + ".status must be firing or resolved");
    }
    JsonNode labelsNode = alert.get("labels");
    if (labelsNode == null || !labelsNode.isObject()) {
      throw new InvalidPayloadException(path + ".labels", path + ".labels must be an object");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : labelsNode.properties()) {
      if (!e.getValue().isTextual()) {
        throw new InvalidPayloadException(
            path + ".labels." + e.getKey(), "label values must be strings");
      }
      labels.put(e.getKey(), e.getValue().asText());
    }
    String alertName = labels.get("alertname");
    if (alertName == null || alertName.isBlank()) {
      throw new InvalidPayloadException(
          path + ".labels.alertname", path + ".labels.alertname is required");
    }
    Instant startsAt = parseTime(alert.get("startsAt"), path + ".startsAt");
    boolean firing = status.equals("firing");
    if (firing && actionableAlerts.contains(alertName)) {
      requireName(labels, "namespace", DNS_LABEL, path);
      if (!labels.containsKey("deployment") && !labels.containsKey("pod")) {
        throw new InvalidPayloadException(
            path + ".labels.deployment",
            path + " (" + alertName + ") needs a deployment or pod label to find its Deployment");
      }
      if (labels.containsKey("deployment")) {
        requireName(labels, "deployment", DNS_SUBDOMAIN, path);
      } else {
        requireName(labels, "pod", DNS_SUBDOMAIN, path);
      }
    }
    JsonNode fingerprint = alert.get("fingerprint");
    return new AlertNotification.Alert(
        i, firing, labels, startsAt, fingerprint == null ? null : fingerprint.asText());
  }

  private static void requireName(
      Map<String, String> labels, String key, Pattern pattern, String path) {
    String value = labels.get(key);
    String field = path + ".labels." + key;
    if (value == null || value.isBlank()) {
      throw new InvalidPayloadException(field, field + " is required");
    }
    if (!pattern.matcher(value).matches()) {
      throw new InvalidPayloadException(field, field + " is not a valid Kubernetes name");
    }
  }

  private static Instant parseTime(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidPayloadException(field, field + " must be an RFC 3339 timestamp");
    }
    try {
      Instant t = OffsetDateTime.parse(node.asText()).toInstant();
      // Alertmanager sends the zero time for "unset".
      return t.getEpochSecond() <= 0 ? null : t;
    } catch (DateTimeParseException e) {
      throw new InvalidPayloadException(field, field + " must be an RFC 3339 timestamp");
    }
  }
}
