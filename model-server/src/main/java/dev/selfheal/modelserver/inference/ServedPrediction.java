package dev.selfheal.modelserver.inference;

import dev.selfheal.modelserver.model.Prediction;

/**
 * A prediction served to a client.
 *
 * @param prediction the model's answer
 * @param latencyMs inference latency in milliseconds (faults included)
 * @param predictionId id to quote in {@code POST /feedback}
 */
public record ServedPrediction(Prediction prediction, double latencyMs, String predictionId) {}
