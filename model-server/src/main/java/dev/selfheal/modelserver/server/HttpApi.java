package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.feedback.FeedbackGate;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.modelserver.oip.InferRequestDecoder;
import dev.selfheal.modelserver.oip.InferResponseEncoder;
import dev.selfheal.modelserver.oip.ModelSignature;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.runtime.health.Probe;
import dev.selfheal.runtime.health.ProbeHandler;
import dev.selfheal.runtime.http.BodyTypes;
import dev.selfheal.runtime.http.MetricsEndpoint;
import dev.selfheal.runtime.http.Route;
import dev.selfheal.runtime.http.Routes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The model server's route table. Probes, {@code /metrics} and the cheap endpoints answer on the
 * HTTP layer's event loop; inference runs on the bounded {@link InferencePool}, so neither a slow
 * client nor a stuck model can make a probe wait. Tests reuse this to get the production routes.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * What the endpoints need.
   *
   * @param version model version reported everywhere
   * @param maxBodyBytes largest request body, also once decompressed
   * @param engine inference
   * @param pool bounded inference threads
   * @param probes liveness and readiness
   * @param quality model quality windows
   * @param feedback what decides whether a label counts
   * @param lifecycle the server phase
   * @param registry metrics registry served on {@code /metrics}
   * @param json the configured mapper
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
      ObjectMapper json) {}

  /** Every route of the model server. */
  public static Routes routes(Dependencies deps) {
    TransactionParser parser = new TransactionParser(deps.json());
    String version = deps.version();
    KServeHealthHandler oipServer = new KServeHealthHandler(deps.probes(), version);
    KServeModelHandler oipModel =
        new KServeModelHandler(
            deps.probes(),
            deps.engine(),
            new InferRequestDecoder(deps.json(), ModelSignature.FRAUD_DETECTOR),
            new InferResponseEncoder(deps.json(), ModelSignature.FRAUD_DETECTOR),
            deps.maxBodyBytes(),
            version);
    List<Route> routes = new ArrayList<>();
    Probe health = deps.probes().livenessProbe().field("version", version).build();
    Probe ready =
        deps.probes()
            .readinessProbe()
            .field("version", version)
            .detail("quality", report -> QualityBody.of(deps.quality().snapshot()))
            .build();
    routes.add(Route.get("/health", new ProbeHandler(health)));
    routes.add(Route.get("/ready", new ProbeHandler(ready)));
    routes.add(MetricsEndpoint.route(deps.registry()));
    routes.add(
        Route.post("/predict", new PredictHandler(deps.engine(), parser, version)).on(deps.pool()));
    routes.add(Route.post("/feedback", new FeedbackHandler(deps.feedback(), deps.json())));
    routes.add(Route.get("/v2", oipServer::serverMetadata));
    routes.add(Route.get("/v2/health/live", oipServer::live));
    routes.add(Route.get("/v2/health/ready", oipServer::ready));
    for (String model : List.of("/v2/models/{name}", "/v2/models/{name}/versions/{version}")) {
      routes.add(Route.get(model, oipModel::metadata));
      routes.add(Route.get(model + "/ready", oipModel::ready));
      // The decoder's media types, or none: the official clients send no Content-Type.
      routes.add(
          Route.post(model + "/infer", oipModel::infer)
              .accepting(new BodyTypes(InferRequestDecoder.MEDIA_TYPES, true))
              .on(deps.pool()));
    }
    List<String> endpoints = new ArrayList<>();
    endpoints.add("GET /");
    routes.forEach(route -> endpoints.add(route.method() + " " + route.path()));
    routes.add(
        Route.get("/", new InfoHandler(deps.engine(), deps.lifecycle(), version, endpoints)));
    return Routes.of(routes);
  }
}
