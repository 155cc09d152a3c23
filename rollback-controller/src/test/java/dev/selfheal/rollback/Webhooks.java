package dev.selfheal.rollback;

import dev.selfheal.testsupport.k8s.AlertWebhook;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

/** Builds Alertmanager webhook payloads (version 4) and posts them over real HTTP. */
public final class Webhooks {

  public static final String TOKEN = "test-token-0123456789abcdef";

  private Webhooks() {}

  /** A notification with one alert; see {@link AlertWebhook#payload}. */
  public static String payload(String status, Instant startsAt, Map<String, String> labels) {
    return AlertWebhook.payload(status, startsAt, labels);
  }

  /**
   * A firing ModelAccuracyLow alert naming the Deployment and the v2 revision (its pod is gone; the
   * pod_template_hash label the scrape relabelling adds still names the revision).
   */
  public static String firing(Instant startsAt) {
    return firing(startsAt, Fixtures.HASH_V2);
  }

  /** A firing ModelAccuracyLow alert about the revision with template hash {@code hash}. */
  public static String firing(Instant startsAt, String hash) {
    return payload(
        "firing",
        startsAt,
        Map.of(
            "alertname",
            "ModelAccuracyLow",
            "namespace",
            Fixtures.NS,
            "deployment",
            Fixtures.NAME,
            "pod_template_hash",
            hash,
            "severity",
            "critical"));
  }

  /** POSTs {@code body} to {@code /alerts} with the given Authorization header (null: none). */
  public static HttpResponse<String> post(int port, String body, String authorization)
      throws IOException, InterruptedException {
    return AlertWebhook.post(port, body, authorization);
  }

  /** POSTs with an explicit content type. */
  public static HttpResponse<String> post(
      int port, String body, String authorization, String contentType)
      throws IOException, InterruptedException {
    return AlertWebhook.post(port, body, authorization, contentType);
  }

  /** GETs a path. */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return AlertWebhook.get(port, path);
  }
}
