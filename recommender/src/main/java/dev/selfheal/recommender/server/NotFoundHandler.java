package dev.selfheal.recommender.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.util.List;

/** Anything unrouted: 404 with the list of endpoints, as JSON rather than the JDK's HTML page. */
public final class NotFoundHandler extends JsonHandler {

  /**
   * @param error message
   * @param endpoints what exists
   */
  public record Body(String error, List<String> endpoints) {}

  private final List<String> endpoints;

  /**
   * @param mapper JSON mapper
   * @param endpoints the routed paths
   */
  public NotFoundHandler(ObjectMapper mapper, List<String> endpoints) {
    super(mapper, "GET");
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  protected JsonResponse respond(HttpExchange exchange) {
    return new JsonResponse(
        404, new Body("no such endpoint: " + exchange.getRequestURI().getPath(), endpoints));
  }
}
