package dev.selfheal.testsupport.k8s;

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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Alertmanager's webhook (version 4) as the rollback controller receives it: payloads of one alert,
 * and a client that POSTs them to {@code /alerts} over real HTTP.
 */
public final class AlertWebhook {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AlertWebhook() {}

  /**
   * A notification with one alert.
   *
   * @param status {@code firing} or {@code resolved}
   * @param startsAt when the alert started
   * @param labels the alert's labels ({@code alertname} is also the group label)
   * @return the JSON body
   */
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
   * A firing alert named {@code alertname} that started now, to which labels are added one by one:
   * {@code AlertWebhook.firing("ModelDegraded").in(ns).deployment(name).hash(h).json()}.
   */
  public static Alert firing(String alertname) {
    return new Alert(alertname);
  }

  /**
   * POSTs {@code body} as JSON to {@code /alerts} on the loopback {@code port}.
   *
   * @param authorization the Authorization header, or null for none
   */
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

  /** GETs {@code path} on the loopback {@code port}. */
  public static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Builder of a firing alert's labels; see {@link AlertWebhook#firing(String)}. */
  public static final class Alert {
    private final Map<String, String> labels = new LinkedHashMap<>();

    private Alert(String alertname) {
      labels.put("alertname", alertname);
    }

    /** The {@code namespace} label. */
    public Alert in(String namespace) {
      return label("namespace", namespace);
    }

    /** The {@code deployment} label the scrape relabelling derives. */
    public Alert deployment(String deployment) {
      return label("deployment", deployment);
    }

    /** The {@code pod_template_hash} label that names the revision. */
    public Alert hash(String podTemplateHash) {
      return label("pod_template_hash", podTemplateHash);
    }

    /** The {@code pod} label. */
    public Alert pod(String pod) {
      return label("pod", pod);
    }

    /** Any other label. */
    public Alert label(String name, String value) {
      labels.put(name, value);
      return this;
    }

    /** The notification's JSON body. */
    public String json() {
      return payload("firing", Instant.now(), labels);
    }
  }
}
