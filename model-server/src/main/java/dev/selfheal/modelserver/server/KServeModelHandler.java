package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.inference.ServedPrediction;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.model.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * KServe Open Inference Protocol v2 model endpoints under {@code /v2/models/fraud-detector}:
 * metadata, readiness and {@code /infer}. Inference runs on the bounded pool like {@code /predict}.
 */
final class KServeModelHandler implements HttpHandler {
  /** The one model this server hosts. */
  static final String MODEL_NAME = "fraud-detector";

  private static final String BASE = "/v2/models/" + MODEL_NAME;

  private final Probes probes;
  private final InferencePool pool;
  private final InferenceEngine engine;
  private final KServeCodec codec;
  private final ObjectMapper json;
  private final Responder responder;
  private final int maxBodyBytes;
  private final String version;

  KServeModelHandler(
      Probes probes,
      InferencePool pool,
      InferenceEngine engine,
      KServeCodec codec,
      ObjectMapper json,
      Responder responder,
      int maxBodyBytes,
      String version) {
    this.probes = probes;
    this.pool = pool;
    this.engine = engine;
    this.codec = codec;
    this.json = json;
    this.responder = responder;
    this.maxBodyBytes = maxBodyBytes;
    this.version = version;
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      String versioned = BASE + "/versions/" + version;
      if (path.startsWith(versioned)) {
        path = BASE + path.substring(versioned.length());
      }
      if (path.equals(BASE) || path.equals(BASE + "/")) {
        Requests.requireMethod(exchange, "GET");
        responder.send(exchange, 200, metadata());
      } else if (path.equals(BASE + "/ready")) {
        Requests.requireMethod(exchange, "GET");
        boolean ready = probes.readiness().pass();
        responder.send(exchange, ready ? 200 : 503, Map.of("name", MODEL_NAME, "ready", ready));
      } else if (path.equals(BASE + "/infer")) {
        Requests.requireMethod(exchange, "POST");
        Requests.requireJson(exchange);
        pool.submit(exchange, this::infer);
      } else {
        throw ApiException.notFound("no such model or path: " + exchange.getRequestURI().getPath());
      }
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }

  private void infer(HttpExchange exchange) throws Exception {
    JsonNode request = json.readTree(Requests.body(exchange, maxBodyBytes));
    List<Transaction> rows = codec.transactions(request);
    List<String> labels = new ArrayList<>(rows.size());
    List<Double> confidences = new ArrayList<>(rows.size());
    List<String> ids = new ArrayList<>(rows.size());
    for (Transaction row : rows) {
      ServedPrediction served = engine.serve(row);
      labels.add(served.prediction().label());
      confidences.add(served.prediction().confidence());
      ids.add(served.predictionId());
    }
    String id =
        request.path("id").isTextual()
            ? request.get("id").textValue()
            : UUID.randomUUID().toString();
    List<Long> shape = List.of((long) rows.size());
    responder.send(
        exchange,
        200,
        new OipMessages.InferResponse(
            MODEL_NAME,
            version,
            id,
            List.of(
                new OipMessages.Tensor("prediction", "BYTES", shape, labels),
                new OipMessages.Tensor("confidence", "FP64", shape, confidences),
                new OipMessages.Tensor("prediction_id", "BYTES", shape, ids))));
  }

  private OipMessages.ModelMetadata metadata() {
    List<OipMessages.Tensor> inputs = new ArrayList<>();
    KServeCodec.INPUTS.forEach(
        (name, type) -> inputs.add(new OipMessages.Tensor(name, type, List.of(-1L), null)));
    return new OipMessages.ModelMetadata(
        MODEL_NAME,
        List.of(version),
        "tribuo",
        inputs,
        List.of(
            new OipMessages.Tensor("prediction", "BYTES", List.of(-1L), null),
            new OipMessages.Tensor("confidence", "FP64", List.of(-1L), null),
            new OipMessages.Tensor("prediction_id", "BYTES", List.of(-1L), null)));
  }
}
