package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.inference.ServedPrediction;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.model.Transaction;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * KServe Open Inference Protocol v2 model endpoints under {@code /v2/models/fraud-detector} (and
 * {@code .../versions/<version>}): metadata, readiness and {@code /infer}. Each method is one
 * route's handler; {@code /infer} runs on the bounded inference pool like {@code /predict}.
 */
final class KServeModelHandler {
  /** The one model this server hosts. */
  static final String MODEL_NAME = "fraud-detector";

  private final Probes probes;
  private final InferenceEngine engine;
  private final KServeCodec codec;
  private final ObjectMapper json;
  private final String version;

  KServeModelHandler(
      Probes probes, InferenceEngine engine, KServeCodec codec, ObjectMapper json, String version) {
    this.probes = probes;
    this.engine = engine;
    this.codec = codec;
    this.json = json;
    this.version = version;
  }

  /** 404 unless the path names this model (and, when it names one, this version). */
  private void requireModel(Request request) {
    String name = request.pathParam("name");
    String wanted = request.pathParam("version");
    if (!MODEL_NAME.equals(name) || (wanted != null && !wanted.equals(version))) {
      throw HttpError.notFound("no such model or version: " + request.path());
    }
  }

  /** {@code GET /v2/models/{name}}. */
  Reply metadata(Request request) {
    requireModel(request);
    return Reply.json(200, metadata());
  }

  /** {@code GET /v2/models/{name}/ready}. */
  Reply ready(Request request) {
    requireModel(request);
    boolean ready = probes.readiness().pass();
    return Reply.json(ready ? 200 : 503, Map.of("name", MODEL_NAME, "ready", ready));
  }

  /** {@code POST /v2/models/{name}/infer}. */
  Reply infer(Request call) throws Exception {
    requireModel(call);
    JsonNode request = json.readTree(call.body());
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
    return Reply.json(
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
