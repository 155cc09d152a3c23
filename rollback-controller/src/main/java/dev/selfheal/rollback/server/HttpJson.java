package dev.selfheal.rollback.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.rollback.observe.InvalidPayloadException;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes JSON responses, and is the one place that maps exceptions to HTTP statuses: {@link
 * HttpProblem} to its status, {@link InvalidPayloadException} to 400 naming the field, anything
 * else to 500 with a generic body. No stack trace ever reaches a client.
 */
public final class HttpJson {

  private static final Logger LOG = LoggerFactory.getLogger(HttpJson.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpJson() {}

  /** Sends {@code body} as JSON with {@code status}. */
  public static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * Maps a failure to a response and sends it.
   *
   * @param exchange the exchange
   * @param error what went wrong
   * @return the status sent (0 when the response was already committed)
   */
  public static int fail(HttpExchange exchange, Exception error) {
    int status;
    ObjectNode body = JSON.createObjectNode();
    if (error instanceof HttpProblem problem) {
      status = problem.status();
      body.put("error", problem.getMessage());
      if (problem.field() != null) {
        body.put("field", problem.field());
      }
    } else if (error instanceof InvalidPayloadException invalid) {
      status = 400;
      body.put("error", invalid.getMessage());
      body.put("field", invalid.field());
    } else {
      status = 500;
      body.put("error", "internal error");
      LOG.error("Unhandled error serving {}", exchange.getRequestURI().getPath(), error);
    }
    if (exchange.getResponseCode() != -1) {
      LOG.warn("Response already committed; could not send {}: {}", status, error.getMessage());
      return 0;
    }
    try {
      send(exchange, status, body);
    } catch (IOException e) {
      LOG.debug("Client went away before the error response: {}", e.getMessage());
    }
    return status;
  }
}
