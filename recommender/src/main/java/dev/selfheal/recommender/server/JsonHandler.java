package dev.selfheal.recommender.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every JSON endpoint: checks the method, calls {@link #respond}, serialises the result
 * with Jackson, and routes every exception through {@link ErrorMapper}. Subclasses only parse, call
 * one collaborator and build a value.
 */
public abstract class JsonHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(JsonHandler.class);

  private final ObjectMapper mapper;
  private final List<String> methods;

  /**
   * @param mapper JSON mapper
   * @param methods the HTTP methods this endpoint serves (GET implies HEAD)
   */
  protected JsonHandler(ObjectMapper mapper, String... methods) {
    this.mapper = mapper;
    this.methods = List.of(methods);
  }

  /** The mapper, for subclasses that read a JSON body. */
  protected ObjectMapper mapper() {
    return mapper;
  }

  /** Produces the answer; may throw, the mapper turns exceptions into statuses. */
  protected abstract JsonResponse respond(HttpExchange exchange) throws IOException;

  @Override
  public final void handle(HttpExchange exchange) throws IOException {
    JsonResponse response;
    try {
      String method = exchange.getRequestMethod();
      if (!methods.contains(method) && !("HEAD".equals(method) && methods.contains("GET"))) {
        throw new MethodNotAllowedException(method, String.join(" or ", methods));
      }
      response = respond(exchange);
    } catch (RuntimeException e) {
      response = ErrorMapper.map(e);
    }
    write(exchange, response);
  }

  private void write(HttpExchange exchange, JsonResponse response) throws IOException {
    try (exchange) {
      byte[] bytes = mapper.writeValueAsBytes(response.body());
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(response.status(), head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      // The client went away after the status was committed; nothing left to tell it.
      LOG.debug("Could not write response: {}", e.toString());
    }
  }
}
