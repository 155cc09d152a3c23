package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Optional;

/**
 * {@code POST /feedback}: the true label of an earlier prediction. Scores it once into the accuracy
 * window; an unknown, expired or already-scored id answers 404.
 */
final class FeedbackHandler implements Handler {
  private final PredictionLedger ledger;
  private final QualityMonitor quality;
  private final ObjectMapper json;

  FeedbackHandler(PredictionLedger ledger, QualityMonitor quality, ObjectMapper json) {
    this.ledger = ledger;
    this.quality = quality;
    this.json = json;
  }

  @Override
  public Reply handle(Request request) throws Exception {
    JsonNode body = json.readTree(request.body());
    if (body == null || !body.isObject()) {
      throw HttpError.badRequest(null, "body must be a JSON object");
    }
    String id = text(body, "prediction_id");
    String label = text(body, "label");
    if (!label.equals("fraud") && !label.equals("legitimate")) {
      throw HttpError.badRequest("label", "label must be fraud or legitimate");
    }
    Optional<Boolean> predictedFraud = ledger.take(id);
    if (predictedFraud.isEmpty()) {
      throw HttpError.notFound("unknown, expired or already scored prediction_id: " + id);
    }
    boolean correct = predictedFraud.get() == label.equals("fraud");
    quality.recordLabeled(correct);
    return Reply.json(202, new FeedbackResponse(id, correct, quality.accuracy()));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw HttpError.badRequest(field, field + " is required and must be a string");
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
