package dev.selfheal.recommender.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny JDK HttpClient wrapper for tests: status plus parsed JSON body. */
public final class HttpProbe {

  /**
   * @param status HTTP status
   * @param body parsed JSON, or a text node for non-JSON bodies
   * @param text raw body
   */
  public record Reply(int status, JsonNode body, String text) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  /**
   * @param port local port
   */
  public HttpProbe(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** GET a path. */
  public Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** POST JSON to a path. */
  public Reply post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Any method without a body. */
  public Reply method(String method, String path) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  private Reply send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          client.send(
              builder.timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = MAPPER.readTree(response.body());
      } catch (IOException e) {
        body = MAPPER.getNodeFactory().textNode(response.body());
      }
      return new Reply(response.statusCode(), body, response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A value from the Prometheus text exposition (first sample whose name and labels start as
   * given).
   */
  public double metric(String sampleStart) {
    String text = get("/metrics").text();
    for (String line : text.split("\n")) {
      if (line.startsWith(sampleStart + " ")
          || line.startsWith(sampleStart + "{")
          || (sampleStart.contains("{") && line.startsWith(sampleStart))) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }
}
