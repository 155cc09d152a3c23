package dev.selfheal.rollback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Builds Alertmanager webhook payloads (version 4) and posts them over real HTTP. */
public final class Webhooks {

  public static final String TOKEN = "test-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Webhooks() {}

  /** A notification with one alert. */
  public static String payload(String status, Instant startsAt, Map<String, String> labels) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "4");
    root.put("groupKey", "{}:{alertname=\"x\"}");
    root.put("truncatedAlerts", 0);
    root.put("status", status);
    root.put("receiver", "rollback-controller");
    root.putObject("groupLabels").put("alertname", labels.get("alertname"));
    root.putObject("commonLabels");
    root.putObject("commonAnnotations");
    root.put("externalURL", "http://alertmanager:9093");
    ArrayNode alerts = root.putArray("alerts");
    ObjectNode alert = alerts.addObject();
    alert.put("status", status);
    ObjectNode l = alert.putObject("labels");
    labels.forEach(l::put);
    alert.putObject("annotations").put("summary", "test");
    alert.put("startsAt", startsAt.toString());
    alert.put(
        "endsAt", status.equals("firing") ? "0001-01-01T00:00:00Z" : Instant.now().toString());
    alert.put("generatorURL", "http://prometheus:9090/graph");
    alert.put("fingerprint", "0123456789abcdef");
    return root.toString();
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
    return post(port, body, authorization, "application/json");
  }

  /** POSTs with an explicit content type. */
  public static HttpResponse<String> post(
      int port, String body, String authorization, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs a path. */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
