package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /feedback}: the true label of an earlier prediction. Scores it once into the accuracy
 * window; an unknown, expired or already-scored id answers 404.
 */
final class FeedbackHandler implements HttpHandler {
  private final PredictionLedger ledger;
  private final QualityMonitor quality;
  private final Responder responder;
  private final ObjectMapper json;
  private final int maxBodyBytes;

  FeedbackHandler(
      PredictionLedger ledger,
      QualityMonitor quality,
      Responder responder,
      ObjectMapper json,
      int maxBodyBytes) {
    this.ledger = ledger;
    this.quality = quality;
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
      JsonNode body = json.readTree(Requests.body(exchange, maxBodyBytes));
      if (body == null || !body.isObject()) {
        throw ApiException.badRequest(null, "body must be a JSON object");
      }
      String id = text(body, "prediction_id");
      String label = text(body, "label");
      if (!label.equals("fraud") && !label.equals("legitimate")) {
        throw ApiException.badRequest("label", "label must be fraud or legitimate");
      }
      Optional<Boolean> predictedFraud = ledger.take(id);
      if (predictedFraud.isEmpty()) {
        throw ApiException.notFound("unknown, expired or already scored prediction_id: " + id);
      }
      boolean correct = predictedFraud.get() == label.equals("fraud");
      quality.recordLabeled(correct);
      responder.send(exchange, 202, new FeedbackResponse(id, correct, quality.accuracy()));
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
   * @param accuracy accuracy in the labeled window after this outcome
   */
  record FeedbackResponse(String predictionId, boolean correct, double accuracy) {}
}
