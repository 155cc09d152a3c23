package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.oip.InferRequest;
import dev.selfheal.modelserver.oip.InferRequestDecoder;
import dev.selfheal.modelserver.oip.InferResponseEncoder;
import dev.selfheal.modelserver.oip.ModelMetadata;
import dev.selfheal.modelserver.oip.ModelSignature;
import dev.selfheal.modelserver.oip.PredictionColumns;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Map;

/**
 * KServe Open Inference Protocol v2 model endpoints under {@code /v2/models/fraud-detector} (and
 * {@code .../versions/<version>}): metadata, readiness and {@code /infer}. Each method is one
 * route's handler; {@code /infer} runs on the bounded inference pool like {@code /predict}, and
 * decoding and encoding (JSON or binary tensors, gzip or deflate bodies) live in the {@code oip}
 * package.
 */
final class KServeModelHandler {
  /** The one model this server hosts. */
  static final String MODEL_NAME = "fraud-detector";

  private final Probes probes;
  private final InferenceEngine engine;
  private final InferRequestDecoder decoder;
  private final InferResponseEncoder encoder;
  private final int maxBodyBytes;
  private final String version;

  KServeModelHandler(
      Probes probes,
      InferenceEngine engine,
      InferRequestDecoder decoder,
      InferResponseEncoder encoder,
      int maxBodyBytes,
      String version) {
    this.probes = probes;
    this.engine = engine;
    this.decoder = decoder;
    this.encoder = encoder;
    this.maxBodyBytes = maxBodyBytes;
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
    return Reply.json(
        200, ModelMetadata.of(ModelSignature.FRAUD_DETECTOR, MODEL_NAME, version, "tribuo"));
  }

  /** {@code GET /v2/models/{name}/ready}. */
  Reply ready(Request request) {
    requireModel(request);
    boolean ready = probes.readiness().pass();
    return Reply.json(ready ? 200 : 503, Map.of("name", MODEL_NAME, "ready", ready));
  }

  /** {@code POST /v2/models/{name}/infer}. */
  Reply infer(Request call) {
    requireModel(call);
    InferRequest request =
        decoder.decode(
            call.body(),
            call.header("Content-Type"),
            call.header("Content-Encoding"),
            call.header(InferResponseEncoder.HEADER_LENGTH),
            maxBodyBytes);
    InferResponseEncoder.Encoded response =
        encoder.encode(
            MODEL_NAME,
            version,
            request.id(),
            PredictionColumns.of(engine.serveAll(request.rows())),
            request.outputs());
    Reply reply = Reply.bytes(200, response.headers().get("Content-Type"), response.body());
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      if (!header.getKey().equalsIgnoreCase("Content-Type")) {
        reply = reply.withHeader(header.getKey(), header.getValue());
      }
    }
    return reply;
  }
}
