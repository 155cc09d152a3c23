package dev.selfheal.recommender;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.RedisEmbeddingSource;
import dev.selfheal.recommender.profile.HttpProfileClient;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root: reads the environment, wires the recommender, starts it, and drains it on
 * SIGTERM.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /**
   * @param args ignored; configuration comes from environment variables (see docs/recommender.md)
   */
  public static void main(String[] args) throws Exception {
    RecommenderConfig config;
    try {
      config = RecommenderConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    RecommenderApp app;
    try {
      app =
          RecommenderApp.start(
              config,
              registry,
              new RedisEmbeddingSource(config.redis(), config.warmUp()),
              new HttpProfileClient(config.profile(), new ObjectMapper()));
    } catch (IllegalStateException e) {
      LOG.error("Start-up failed: {}", e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  boolean drained = app.shutdownGracefully();
                  // A drained SIGTERM is a clean exit, not the JVM's 143 (Kubernetes: "Error").
                  Runtime.getRuntime().halt(drained ? 0 : 1);
                },
                "shutdown-drain"));
  }
}
