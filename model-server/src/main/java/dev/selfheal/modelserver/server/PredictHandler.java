package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.inference.ServedPrediction;
import dev.selfheal.modelserver.model.Transaction;

/**
 * {@code POST /predict}. Cheap checks (path, method, content type) run on the HTTP thread; reading,
 * parsing and inference run on the bounded {@link InferencePool}, which sheds excess load.
 */
final class PredictHandler implements HttpHandler {
  private final InferencePool pool;
  private final InferenceEngine engine;
  private final TransactionParser parser;
  private final Responder responder;
  private final int maxBodyBytes;
  private final String version;

  PredictHandler(
      InferencePool pool,
      InferenceEngine engine,
      TransactionParser parser,
      Responder responder,
      int maxBodyBytes,
      String version) {
    this.pool = pool;
    this.engine = engine;
    this.parser = parser;
    this.responder = responder;
    this.maxBodyBytes = maxBodyBytes;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      Requests.requirePath(exchange, "/predict");
      Requests.requireMethod(exchange, "POST");
      Requests.requireJson(exchange);
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
      return;
    }
    pool.submit(exchange, this::predict);
  }

  private void predict(HttpExchange exchange) throws Exception {
    Transaction transaction = parser.parse(Requests.body(exchange, maxBodyBytes));
    ServedPrediction served = engine.serve(transaction);
    responder.send(
        exchange,
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
