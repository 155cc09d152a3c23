package dev.selfheal.modelserver.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.oip.InferRequest;
import dev.selfheal.modelserver.oip.InferRequestDecoder;
import dev.selfheal.modelserver.oip.InferResponseEncoder;
import dev.selfheal.modelserver.oip.ModelMetadata;
import dev.selfheal.modelserver.oip.ModelSignature;
import dev.selfheal.modelserver.oip.PredictionColumns;
import java.util.Map;

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
  private final InferRequestDecoder decoder;
  private final InferResponseEncoder encoder;
  private final Responder responder;
  private final int maxBodyBytes;
  private final String version;

  KServeModelHandler(
      Probes probes,
      InferencePool pool,
      InferenceEngine engine,
      InferRequestDecoder decoder,
      InferResponseEncoder encoder,
      Responder responder,
      int maxBodyBytes,
      String version) {
    this.probes = probes;
    this.pool = pool;
    this.engine = engine;
    this.decoder = decoder;
    this.encoder = encoder;
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
        responder.send(
            exchange,
            200,
            ModelMetadata.of(ModelSignature.FRAUD_DETECTOR, MODEL_NAME, version, "tribuo"));
      } else if (path.equals(BASE + "/ready")) {
        Requests.requireMethod(exchange, "GET");
        boolean ready = probes.readiness().pass();
        responder.send(exchange, ready ? 200 : 503, Map.of("name", MODEL_NAME, "ready", ready));
      } else if (path.equals(BASE + "/infer")) {
        Requests.requireMethod(exchange, "POST");
        InferRequestDecoder.checkContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
        pool.submit(exchange, this::infer);
      } else {
        throw ApiException.notFound("no such model or path: " + exchange.getRequestURI().getPath());
      }
    } catch (RuntimeException e) {
      responder.fail(exchange, e);
    }
  }

  private void infer(HttpExchange exchange) throws Exception {
    var headers = exchange.getRequestHeaders();
    InferRequest request =
        decoder.decode(
            Requests.body(exchange, maxBodyBytes),
            headers.getFirst("Content-Type"),
            headers.getFirst("Content-Encoding"),
            headers.getFirst(InferResponseEncoder.HEADER_LENGTH),
            maxBodyBytes);
    InferResponseEncoder.Encoded response =
        encoder.encode(
            MODEL_NAME,
            version,
            request.id(),
            PredictionColumns.of(engine.serveAll(request.rows())),
            request.outputs());
    responder.sendBytes(exchange, 200, response.body(), response.headers());
  }
}
