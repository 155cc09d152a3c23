package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;

/**
 * {@code POST /feedback}: the true label of an earlier prediction. The {@link FeedbackGate} decides
 * whether it counts: the bearer token when one is configured, an id this server issued recently,
 * each id once.
 */
final class FeedbackHandler implements Handler {
  private final FeedbackGate gate;
  private final ObjectMapper json;

  FeedbackHandler(FeedbackGate gate, ObjectMapper json) {
    this.gate = gate;
    this.json = json;
  }

  @Override
  public Reply handle(Request request) throws Exception {
    gate.authorize(request.header("Authorization"));
    JsonNode body = json.readTree(request.body());
    if (body == null || !body.isObject()) {
      throw HttpError.badRequest(null, "body must be a JSON object");
    }
    String id = text(body, "prediction_id");
    String label = text(body, "label");
    FeedbackGate.Accepted accepted = gate.score(id, label);
    return Reply.json(
        202,
        new FeedbackResponse(accepted.predictionId(), accepted.correct(), accepted.accuracy()));
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
   * @param accuracy {@code model_accuracy} after this label
   */
  record FeedbackResponse(String predictionId, boolean correct, double accuracy) {}
}
