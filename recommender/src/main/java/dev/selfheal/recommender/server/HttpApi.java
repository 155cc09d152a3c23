package dev.selfheal.recommender.server;

import dev.selfheal.recommender.config.RecommenderConfig.RequestLimits;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.health.Lifecycle;
import dev.selfheal.recommender.health.Probes;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.recommender.service.RecommendationService;
import dev.selfheal.runtime.health.ProbeHandler;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.http.MetricsEndpoint;
import dev.selfheal.runtime.http.Route;
import dev.selfheal.runtime.http.Routes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.Executor;

/**
 * The recommender's route table. The probes and {@code /metrics} answer on the HTTP layer's event
 * loop, so a probe reports wedged workers instead of waiting behind them; {@code /recommendations}
 * may call the profile API and runs on the bounded request workers. Tests reuse this to get the
 * production routes.
 */
public final class HttpApi {
  private HttpApi() {}

  /**
   * What the endpoints need.
   *
   * @param warmUp the start-up load ({@code /startup}, {@code /ready})
   * @param progress the request workers' heartbeat progress ({@code /health})
   * @param lifecycle the shutdown flag ({@code /ready})
   * @param profiles the guarded profile lookups, whose breaker {@code /ready} reports
   * @param service the recommendations
   * @param limits request parameter limits
   * @param workers where {@code /recommendations} runs
   * @param registry metrics registry served on {@code /metrics}
   */
  public record Dependencies(
      WarmUp warmUp,
      Progress progress,
      Lifecycle lifecycle,
      ProfileLookup profiles,
      RecommendationService service,
      RequestLimits limits,
      Executor workers,
      PrometheusRegistry registry) {}

  /** Every route of the recommender. */
  public static Routes routes(Dependencies deps) {
    return Routes.of(
        Route.get("/startup", new ProbeHandler(Probes.startup(deps.warmUp()))),
        Route.get("/health", new ProbeHandler(Probes.liveness(deps.progress()))),
        Route.get(
            "/ready",
            new ProbeHandler(Probes.readiness(deps.warmUp(), deps.lifecycle(), deps.profiles()))),
        Route.get("/recommendations", new RecommendationsHandler(deps.service(), deps.limits()))
            .on(deps.workers()),
        MetricsEndpoint.route(deps.registry()));
  }
}
