package dev.selfheal.recommender;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.recommender.cache.RecommendationCache;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingSource;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.health.Heartbeat;
import dev.selfheal.recommender.health.Lifecycle;
import dev.selfheal.recommender.profile.ProfileBreakerFactory;
import dev.selfheal.recommender.profile.ProfileClient;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.recommender.server.HealthHandler;
import dev.selfheal.recommender.server.NotFoundHandler;
import dev.selfheal.recommender.server.ReadyHandler;
import dev.selfheal.recommender.server.RecommendationsHandler;
import dev.selfheal.recommender.server.StartupHandler;
import dev.selfheal.recommender.service.RecommendationService;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wired recommender: HTTP server, warm-up, heartbeat, breaker, cache. {@link Main} builds one
 * from the environment; tests build one from a config record, a fresh registry and an embedding
 * source of their choice.
 */
public final class RecommenderApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecommenderApp.class);

  /** Routed paths. */
  public static final List<String> ENDPOINTS =
      List.of("/startup", "/health", "/ready", "/recommendations", "/metrics");

  private final RecommenderConfig config;
  private final HttpServer server;
  private final ExecutorService workers;
  private final WarmUp warmUp;
  private final Heartbeat heartbeat;
  private final Lifecycle lifecycle = new Lifecycle();
  private final ProfileLookup profiles;
  private final RecommendationCache cache;

  private RecommenderApp(
      RecommenderConfig config,
      PrometheusRegistry registry,
      EmbeddingSource source,
      ProfileClient profileClient)
      throws IOException {
    this.config = config;
    ObjectMapper mapper = new ObjectMapper();
    AtomicInteger threadNumber = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            config.httpThreads(),
            r -> {
              Thread t = new Thread(r, "http-worker-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.warmUp = new WarmUp(source, config.warmUp(), registry);
    this.heartbeat =
        new Heartbeat(
            workers,
            config.lifecycle().heartbeatInterval(),
            config.lifecycle().stallThreshold(),
            registry);
    this.profiles =
        new ProfileLookup(
            profileClient, ProfileBreakerFactory.create(config.profile().breaker()), registry);
    this.cache = new RecommendationCache(config.cache(), registry);
    RecommendationService service =
        new RecommendationService(warmUp::embeddings, profiles, cache, registry);

    this.server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    server.createContext("/startup", new StartupHandler(mapper, warmUp));
    server.createContext("/health", new HealthHandler(mapper, heartbeat));
    server.createContext("/ready", new ReadyHandler(mapper, warmUp, lifecycle, profiles));
    server.createContext(
        "/recommendations", new RecommendationsHandler(mapper, service, config.limits()));
    server.createContext("/metrics", new MetricsHandler(registry));
    server.createContext("/", new NotFoundHandler(mapper, ENDPOINTS));
    server.setExecutor(workers);
  }

  /**
   * Builds and starts everything; the warm-up runs in the background, so this returns at once.
   *
   * @param config settings
   * @param registry a fresh registry (never the default one)
   * @param source where embeddings come from
   * @param profileClient the profile API client
   */
  public static RecommenderApp start(
      RecommenderConfig config,
      PrometheusRegistry registry,
      EmbeddingSource source,
      ProfileClient profileClient)
      throws IOException {
    RecommenderApp app = new RecommenderApp(config, registry, source, profileClient);
    app.server.start();
    app.heartbeat.start();
    app.warmUp.start();
    LOG.info("Recommender listening on port {}; loading embeddings in the background", app.port());
    return app;
  }

  /** The bound port (useful with PORT=0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The start-up load. */
  public WarmUp warmUp() {
    return warmUp;
  }

  /** The answer cache. */
  public RecommendationCache cache() {
    return cache;
  }

  /** The guarded profile lookups. */
  public ProfileLookup profiles() {
    return profiles;
  }

  /**
   * Graceful stop for SIGTERM: readiness turns 503 at once, the port stays open for the drain
   * period so the endpoint removal can propagate, then requests in flight get the grace period to
   * finish.
   */
  public void shutdownGracefully() {
    Duration drain = config.lifecycle().drain();
    LOG.info("Shutdown requested: readiness now 503; draining for {} s", drain.toSeconds());
    lifecycle.startDraining();
    try {
      Thread.sleep(drain.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop((int) config.lifecycle().grace().toSeconds());
    LOG.info("Recommender stopped");
  }

  private void stop(int graceSeconds) {
    server.stop(graceSeconds);
    warmUp.close();
    heartbeat.close();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(Math.max(1, graceSeconds), TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Immediate stop (tests). */
  @Override
  public void close() {
    stop(0);
  }
}
