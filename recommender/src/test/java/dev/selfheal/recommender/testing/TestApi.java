package dev.selfheal.recommender.testing;

import dev.selfheal.recommender.cache.RecommendationCache;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingsUnavailableException;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.health.Lifecycle;
import dev.selfheal.recommender.profile.ProfileBreakerFactory;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.recommender.server.HttpApi;
import dev.selfheal.recommender.service.RecommendationService;
import dev.selfheal.runtime.health.Progress;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The production route table ({@link HttpApi#routes}) over test parts: a warm-up that is never
 * started, a profile client that always fails, and the given worker progress and pool.
 */
public final class TestApi {
  private TestApi() {}

  /** Dependencies for {@link HttpApi#routes} with {@code progress} and {@code workers}. */
  public static HttpApi.Dependencies dependencies(Progress progress, Executor workers) {
    RecommenderConfig config = TestConfigs.config(Map.of());
    PrometheusRegistry registry = new PrometheusRegistry();
    WarmUp warmUp =
        new WarmUp(
            source -> {
              throw new EmbeddingsUnavailableException("no embeddings in this test", null);
            },
            config.warmUp(),
            registry);
    ProfileLookup profiles =
        new ProfileLookup(
            user -> {
              throw new IOException("no profile API in this test");
            },
            ProfileBreakerFactory.create(config.profile().breaker()),
            registry);
    RecommendationService service =
        new RecommendationService(
            warmUp::embeddings,
            profiles,
            new RecommendationCache(config.cache(), registry),
            registry);
    return new HttpApi.Dependencies(
        warmUp, progress, new Lifecycle(), profiles, service, config.limits(), workers, registry);
  }
}
