package dev.selfheal.labtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Minimal JSON-over-HTTP client for the tests' API calls (Prometheus, Alertmanager, the model
 * server).
 */
public final class HttpJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HttpJson() {}

  /** The shared Jackson mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code GET uri}, expecting 200 and a JSON body. */
  public static JsonNode get(URI uri) {
    return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), 200);
  }

  /** {@code POST uri} with a JSON body, expecting {@code expectedStatus} and a JSON body back. */
  public static JsonNode post(URI uri, Object body, int expectedStatus) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body)))
              .build();
      return send(request, expectedStatus);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code POST uri} without a body, returning the status (e.g. Prometheus's {@code /-/reload}).
   */
  public static int postEmpty(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: POST " + uri, e);
    }
  }

  private static JsonNode send(HttpRequest request, int expectedStatus) {
    try {
      HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != expectedStatus) {
        throw new AssertionError(
            request.method()
                + " "
                + request.uri()
                + " answered "
                + response.statusCode()
                + " (expected "
                + expectedStatus
                + "): "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      }
      return MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + request.method() + " " + request.uri(), e);
    }
  }
}
