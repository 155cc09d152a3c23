package dev.selfheal.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The status code of a GET on the loopback interface, or -1 while nothing answers: what a test
 * polls while a service process starts, drains or stops (its probes, usually). Connecting and
 * answering each get two seconds, a kubelet-like probe budget.
 */
public final class HttpStatus {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private HttpStatus() {}

  /** The status of {@code GET http://127.0.0.1:port/path}; -1 when it fails or times out. */
  public static int status(int port, String path) {
    try {
      return CLIENT
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(TIMEOUT)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
