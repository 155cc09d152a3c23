package dev.selfheal.traffic.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON answer of {@code POST /predict}; unknown fields are ignored so the server may add some.
 *
 * @param prediction {@code fraud} or {@code legitimate}
 * @param confidence the model's probability for its prediction
 * @param latencyMs server-side inference time
 * @param version the serving release, e.g. {@code v1.0}
 * @param predictionId the id to quote in {@code POST /feedback}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PredictResponse(
    @JsonProperty("prediction") String prediction,
    @JsonProperty("confidence") double confidence,
    @JsonProperty("latency_ms") double latencyMs,
    @JsonProperty("version") String version,
    @JsonProperty("prediction_id") String predictionId) {

  /** True when the model said fraud. */
  public boolean fraud() {
    return "fraud".equals(prediction);
  }
}
