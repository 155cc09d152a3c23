package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.oip.InferRequestDecoder;
import dev.selfheal.modelserver.oip.InferResponseEncoder;
import dev.selfheal.modelserver.oip.ModelSignature;
import dev.selfheal.modelserver.quality.QualityMonitor;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Binds every endpoint to an {@link HttpServer}. Tests reuse this to get the production routes. */
public final class HttpApi {
  private HttpApi() {}

  /**
   * What the endpoints need.
   *
   * @param version model version reported everywhere
   * @param maxBodyBytes largest accepted request body
   * @param engine inference
   * @param pool bounded inference threads
   * @param probes liveness and readiness
   * @param quality model quality windows
   * @param feedback decides which labels count
   * @param lifecycle the server phase
   * @param registry metrics registry served on {@code /metrics}
   * @param json the configured mapper
   * @param responder writes every response
   */
  public record Dependencies(
      String version,
      int maxBodyBytes,
      InferenceEngine engine,
      InferencePool pool,
      Probes probes,
      QualityMonitor quality,
      FeedbackGate feedback,
      Lifecycle lifecycle,
      PrometheusRegistry registry,
      ObjectMapper json,
      Responder responder) {}

  /** Registers every route on {@code server}. */
  public static void routing(HttpServer server, Dependencies deps) {
    Responder responder = deps.responder();
    TransactionParser parser = new TransactionParser(deps.json());
    String version = deps.version();
    bind(server, "/", new InfoHandler(deps.engine(), deps.lifecycle(), responder, version));
    bind(server, "/health", new HealthHandler(deps.probes(), responder, version));
    bind(server, "/ready", new ReadyHandler(deps.probes(), deps.quality(), responder, version));
    bind(server, "/metrics", new MetricsEndpoint(new MetricsHandler(deps.registry()), responder));
    bind(
        server,
        "/predict",
        new PredictHandler(
            deps.pool(), deps.engine(), parser, responder, deps.maxBodyBytes(), version));
    bind(
        server,
        "/feedback",
        new FeedbackHandler(deps.feedback(), responder, deps.json(), deps.maxBodyBytes()));
    bind(server, "/v2", new KServeHealthHandler(deps.probes(), responder, version));
    bind(
        server,
        "/v2/models/",
        new KServeModelHandler(
            deps.probes(),
            deps.pool(),
            deps.engine(),
            new InferRequestDecoder(deps.json(), ModelSignature.FRAUD_DETECTOR),
            new InferResponseEncoder(deps.json(), ModelSignature.FRAUD_DETECTOR),
            responder,
            deps.maxBodyBytes(),
            version));
  }

  private static void bind(HttpServer server, String path, HttpHandler handler) {
    server.createContext(path, handler).getFilters().add(new StartTimeFilter());
  }
}
