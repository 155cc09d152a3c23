package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.lifecycle.Probes;
import java.util.List;
import java.util.Map;

/**
 * KServe Open Inference Protocol v2 server endpoints: {@code GET /v2} (server metadata), {@code GET
 * /v2/health/live} and {@code GET /v2/health/ready}, backed by the same probes as {@code /health}
 * and {@code /ready}.
 */
final class KServeHealthHandler implements HttpHandler {
  /** Protocol extensions {@code GET /v2} advertises (named as Triton names them). */
  static final List<String> EXTENSIONS = List.of("binary_tensor_data");

  private final Probes probes;
  private final Responder responder;
  private final String version;

  KServeHealthHandler(Probes probes, Responder responder, String version) {
    this.probes = probes;
    this.responder = responder;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requireMethod(exchange, "GET");
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/v2" ->
            responder.send(exchange, 200, new ServerMetadata("model-server", version, EXTENSIONS));
        case "/v2/health/live" -> {
          boolean live = probes.liveness().pass();
          responder.send(exchange, live ? 200 : 503, Map.of("live", live));
        }
        case "/v2/health/ready" -> {
          boolean ready = probes.readiness().pass();
          responder.send(exchange, ready ? 200 : 503, Map.of("ready", ready));
        }
        default -> throw ApiException.notFound("no such path: " + path);
      }
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }

  /**
   * OIP server metadata.
   *
   * @param name server name
   * @param version server (model) version
   * @param extensions supported protocol extensions
   */
  record ServerMetadata(String name, String version, List<String> extensions) {}
}
