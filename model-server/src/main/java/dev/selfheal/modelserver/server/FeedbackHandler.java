package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import java.io.IOException;

/**
 * {@code POST /feedback}: the true label of an earlier prediction. The {@link FeedbackGate} decides
 * whether it counts (token, recent id, once each); this class only reads the request.
 */
final class FeedbackHandler implements HttpHandler {
  private final FeedbackGate gate;
  private final Responder responder;
  private final ObjectMapper json;
  private final int maxBodyBytes;

  FeedbackHandler(FeedbackGate gate, Responder responder, ObjectMapper json, int maxBodyBytes) {
    this.gate = gate;
    this.responder = responder;
    this.json = json;
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requirePath(exchange, "/feedback");
      Requests.requireMethod(exchange, "POST");
      Requests.requireJson(exchange);
      gate.authorize(exchange.getRequestHeaders().getFirst("Authorization"));
      JsonNode body = json.readTree(Requests.body(exchange, maxBodyBytes));
      if (body == null || !body.isObject()) {
        throw ApiException.badRequest(null, "body must be a JSON object");
      }
      String id = text(body, "prediction_id");
      String label = text(body, "label");
      FeedbackGate.Accepted accepted = gate.score(id, label);
      responder.send(
          exchange,
          202,
          new FeedbackResponse(accepted.predictionId(), accepted.correct(), accepted.accuracy()));
    } catch (IOException | RuntimeException e) {
      responder.fail(exchange, e);
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw ApiException.badRequest(field, field + " is required and must be a string");
    }
    return value.textValue();
  }

  /**
   * Body of an accepted feedback.
   *
   * @param predictionId the scored prediction
   * @param correct whether the model was right
   * @param accuracy {@code model_accuracy} after this label
   */
  record FeedbackResponse(String predictionId, boolean correct, double accuracy) {}
}
