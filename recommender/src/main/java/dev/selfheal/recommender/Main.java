package dev.selfheal.recommender;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.RedisEmbeddingSource;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.runtime.lifecycle.ServiceMain;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Composition root: reads the environment, wires the recommender, starts it, and drains it on
 * SIGTERM.
 */
public final class Main {

  private Main() {}

  /**
   * @param args ignored; configuration comes from environment variables (see docs/recommender.md)
   */
  public static void main(String[] args) throws Exception {
    RecommenderConfig config =
        ServiceMain.configuration(() -> RecommenderConfig.fromEnv(System.getenv()));
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    RecommenderApp app =
        ServiceMain.start(
            () ->
                RecommenderApp.start(
                    config,
                    registry,
                    new RedisEmbeddingSource(config.redis(), config.warmUp()),
                    new HttpProfileClient(config.profile(), new ObjectMapper())),
            () -> {});
    ServiceMain.onShutdown(app::shutdownGracefully);
  }
}
