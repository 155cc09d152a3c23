package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.inference.ServedPrediction;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;

/**
 * {@code POST /predict}: one JSON transaction in, one prediction out. Runs on the {@link
 * InferencePool} (its route says so), after the HTTP layer has read the whole body.
 */
final class PredictHandler implements Handler {
  private final InferenceEngine engine;
  private final TransactionParser parser;
  private final String version;

  PredictHandler(InferenceEngine engine, TransactionParser parser, String version) {
    this.engine = engine;
    this.parser = parser;
    this.version = version;
  }

  @Override
  public Reply handle(Request request) throws Exception {
    ServedPrediction served = engine.serve(parser.parse(request.body()));
    return Reply.json(
        200,
        new PredictResponse(
            served.prediction().label(),
            served.prediction().confidence(),
            served.latencyMs(),
            version,
            served.predictionId()));
  }

  /**
   * Body of a successful prediction (snake_case on the wire).
   *
   * @param prediction {@code fraud} or {@code legitimate}
   * @param confidence probability of the predicted label
   * @param latencyMs inference latency
   * @param version model version
   * @param predictionId id for {@code POST /feedback}
   */
  record PredictResponse(
      String prediction,
      double confidence,
      double latencyMs,
      String version,
      String predictionId) {}
}
