package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.ModelProvenance;
import java.util.List;

/**
 * {@code GET /}: service name, version, phase, model provenance and endpoints. Also the catch-all
 * context, so any unknown path answers a JSON 404.
 */
final class InfoHandler implements HttpHandler {
  static final List<String> ENDPOINTS =
      List.of(
          "GET /",
          "GET /health",
          "GET /ready",
          "GET /metrics",
          "POST /predict",
          "POST /feedback",
          "GET /v2",
          "GET /v2/health/live",
          "GET /v2/health/ready",
          "GET /v2/models/" + KServeModelHandler.MODEL_NAME,
          "GET /v2/models/" + KServeModelHandler.MODEL_NAME + "/ready",
          "POST /v2/models/" + KServeModelHandler.MODEL_NAME + "/infer");

  private final InferenceEngine engine;
  private final Lifecycle lifecycle;
  private final Responder responder;
  private final String version;

  InfoHandler(InferenceEngine engine, Lifecycle lifecycle, Responder responder, String version) {
    this.engine = engine;
    this.lifecycle = lifecycle;
    this.responder = responder;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requirePath(exchange, "/");
      Requests.requireMethod(exchange, "GET");
      ModelProvenance provenance = engine.model().map(FraudModel::provenance).orElse(null);
      responder.send(
          exchange,
          200,
          new Info("model-server", version, lifecycle.phase().name(), provenance, ENDPOINTS));
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }

  /**
   * Body of {@code GET /}.
   *
   * @param service service name
   * @param version model version
   * @param phase lifecycle phase
   * @param model provenance of the loaded model, omitted while loading
   * @param endpoints what this server answers
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Info(
      String service,
      String version,
      String phase,
      ModelProvenance model,
      List<String> endpoints) {}
}
