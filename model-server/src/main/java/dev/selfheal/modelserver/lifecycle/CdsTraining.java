package dev.selfheal.modelserver.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training run for class-data sharing: once the server is ready it calls each endpoint once, so
 * that the classes of every serving path are loaded when the JVM writes its archive at exit ({@code
 * -XX:ArchiveClassesAtExit}). Used by the Docker build and {@code scripts/run.sh}.
 */
public final class CdsTraining {
  private static final Logger LOG = LoggerFactory.getLogger(CdsTraining.class);

  private static final String TRANSACTION =
      "{\"amount\":125.5,\"hour\":14,\"distance_from_home_km\":3.2,\"transactions_last_24h\":2,"
          + "\"merchant_category\":\"grocery\",\"card_present\":true}";

  private CdsTraining() {}

  /** Exercises every endpoint of the server on {@code port}; failures are logged, not fatal. */
  public static void exercise(int port) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;
    List<HttpRequest> requests =
        List.of(
            get(base + "/health"),
            get(base + "/ready"),
            get(base + "/metrics"),
            get(base + "/"),
            get(base + "/v2/health/live"),
            get(base + "/v2/models/fraud-detector"),
            post(base + "/predict", TRANSACTION),
            post(base + "/predict", "{\"amount\":\"oops\"}"),
            post(base + "/feedback", "{\"prediction_id\":\"unknown\",\"label\":\"fraud\"}"));
    for (HttpRequest request : requests) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        LOG.info(
            "CDS training: {} {} -> {}", request.method(), request.uri(), response.statusCode());
      } catch (IOException e) {
        LOG.warn("CDS training request {} failed: {}", request.uri(), e.toString());
      }
    }
  }

  private static HttpRequest get(String uri) {
    return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).GET().build();
  }

  private static HttpRequest post(String uri, String body) {
    return HttpRequest.newBuilder(URI.create(uri))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
