package dev.selfheal.rollback.server;

import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.observe.AlertPayloadParser;
import dev.selfheal.runtime.health.Probe;
import dev.selfheal.runtime.health.ProbeHandler;
import dev.selfheal.runtime.http.MetricsEndpoint;
import dev.selfheal.runtime.http.Route;
import dev.selfheal.runtime.http.Routes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executor;

/**
 * The controller's route table. The probes and {@code /metrics} answer on the HTTP layer's event
 * loop; webhook deliveries call the API server, so {@code /alerts} runs on the controller's own
 * bounded executor. {@code ControllerApp} and, through it, the tests use this one table.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * What the endpoints need.
   *
   * @param token the webhook's expected bearer token
   * @param parser the webhook payload parser
   * @param reconciler where alerts go
   * @param alertWorkers where webhook deliveries run (a full queue answers 503)
   * @param liveness the probe of {@code /health} ({@code ControllerProbes.liveness})
   * @param readiness the probe of {@code /ready} ({@code ControllerProbes.readiness})
   * @param registry metrics registry served on {@code /metrics}
   */
  public record Dependencies(
      BearerToken token,
      AlertPayloadParser parser,
      Reconciler reconciler,
      Executor alertWorkers,
      Probe liveness,
      Probe readiness,
      PrometheusRegistry registry) {}

  /** Every route of the controller. */
  public static Routes routes(Dependencies deps) {
    ProbeHandler health = new ProbeHandler(deps.liveness());
    ProbeHandler ready = new ProbeHandler(deps.readiness());
    return Routes.of(
        Route.post("/alerts", new AlertsHandler(deps.token(), deps.parser(), deps.reconciler()))
            .on(deps.alertWorkers()),
        Route.get("/health", health),
        Route.get("/ready", ready),
        // The Kubernetes components' spelling, kept for manifests written against it.
        Route.get("/healthz", health),
        Route.get("/readyz", ready),
        MetricsEndpoint.route(deps.registry()));
  }
}
