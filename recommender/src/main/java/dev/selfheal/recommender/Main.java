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
    // Without this the JDK server delays small responses by ~40 ms (Nagle + delayed ACK).
    System.setProperty("sun.net.httpserver.nodelay", "true");
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
    RecommenderApp app =
        RecommenderApp.start(
            config,
            registry,
            new RedisEmbeddingSource(config.redis(), config.warmUp()),
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    Runtime.getRuntime().addShutdownHook(new Thread(app::shutdownGracefully, "shutdown-drain"));
  }
}
