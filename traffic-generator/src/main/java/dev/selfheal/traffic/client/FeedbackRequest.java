package dev.selfheal.traffic.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The JSON body of {@code POST /feedback}: the true outcome of an earlier prediction. */
public record FeedbackRequest(
    @JsonProperty("prediction_id") String predictionId, @JsonProperty("label") String label) {

  /** The feedback for a prediction whose true outcome is {@code fraud}. */
  public static FeedbackRequest of(String predictionId, boolean fraud) {
    return new FeedbackRequest(predictionId, fraud ? "fraud" : "legitimate");
  }
}
