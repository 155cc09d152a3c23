package dev.selfheal.rollback.observe;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The parts of an Alertmanager webhook notification (payload version 4) the controller uses.
 *
 * @param receiver receiver name
 * @param status group status, {@code firing} or {@code resolved}
 * @param alerts the alerts of the group
 */
public record AlertNotification(String receiver, String status, List<Alert> alerts) {

  /** Copies the list. */
  public AlertNotification {
    alerts = List.copyOf(alerts);
  }

  /**
   * One alert.
   *
   * @param index position in the payload (for messages)
   * @param firing true when status is {@code firing}
   * @param labels all labels (alertname, namespace, deployment or pod, ...)
   * @param startsAt when it started firing, or null
   * @param fingerprint Alertmanager's fingerprint, or null
   * @param problem why this alert is invalid (naming its JSON path), or null when it is valid; an
   *     invalid alert is reported back while the valid alerts of the same group are processed
   */
  public record Alert(
      int index,
      boolean firing,
      Map<String, String> labels,
      Instant startsAt,
      String fingerprint,
      String problem) {

    /** Copies the labels. */
    public Alert {
      labels = Map.copyOf(labels);
    }

    /** A valid alert. */
    public Alert(
        int index,
        boolean firing,
        Map<String, String> labels,
        Instant startsAt,
        String fingerprint) {
      this(index, firing, labels, startsAt, fingerprint, null);
    }

    /** The {@code alertname} label. */
    public String alertName() {
      return labels.get("alertname");
    }
  }
}
