package dev.selfheal.recommender;

import dev.selfheal.recommender.cache.RecommendationCache;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingSource;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.health.Lifecycle;
import dev.selfheal.recommender.health.Probes;
import dev.selfheal.recommender.profile.ProfileBreakerFactory;
import dev.selfheal.recommender.profile.ProfileClient;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.recommender.server.HttpApi;
import dev.selfheal.recommender.server.RecommenderErrors;
import dev.selfheal.recommender.service.RecommendationService;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.health.WorkerHeartbeat;
import dev.selfheal.runtime.http.DrainReport;
import dev.selfheal.runtime.http.HttpLimits;
import dev.selfheal.runtime.http.HttpService;
import dev.selfheal.runtime.http.Routes;
import dev.selfheal.runtime.http.Workers;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wired recommender: HTTP server, warm-up, heartbeat, breaker, cache. {@link Main} builds one
 * from the environment; tests build one from a config record, a fresh registry and an embedding
 * source of their choice.
 */
public final class RecommenderApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RecommenderApp.class);

  private final RecommenderConfig config;
  private final Routes routes;
  private final ThreadPoolExecutor workers;
  private HttpService server;
  private final WarmUp warmUp;
  private final WorkerHeartbeat heartbeat;
  private final Lifecycle lifecycle = new Lifecycle();
  private final ProfileLookup profiles;
  private final RecommendationCache cache;

  private RecommenderApp(
      RecommenderConfig config,
      PrometheusRegistry registry,
      EmbeddingSource source,
      ProfileClient profileClient) {
    this.config = config;
    // Requests that may call the profile API run here, never on the HTTP event loop; a full queue
    // answers 503 at once instead of queueing without bound.
    this.workers = Workers.bounded("request-worker", config.httpThreads(), 256);
    this.warmUp = new WarmUp(source, config.warmUp(), registry);
    Progress progress = Probes.workerProgress(config.lifecycle().stallThreshold(), registry);
    this.heartbeat =
        new WorkerHeartbeat(workers, config.lifecycle().heartbeatInterval(), progress, "heartbeat");
    this.profiles =
        new ProfileLookup(
            profileClient, ProfileBreakerFactory.create(config.profile().breaker()), registry);
    this.cache = new RecommendationCache(config.cache(), registry);
    RecommendationService service =
        new RecommendationService(warmUp::embeddings, profiles, cache, registry);

    this.routes =
        HttpApi.routes(
            new HttpApi.Dependencies(
                warmUp,
                progress,
                lifecycle,
                profiles,
                service,
                config.limits(),
                workers,
                registry));
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
      ProfileClient profileClient) {
    RecommenderApp app = new RecommenderApp(config, registry, source, profileClient);
    app.server =
        HttpService.builder()
            .port(config.port(), "PORT")
            .limits(HttpLimits.defaults())
            .errors(RecommenderErrors.mapper())
            .routes(app.routes)
            .start();
    app.heartbeat.start();
    app.warmUp.start();
    LOG.info("Recommender listening on port {}; loading embeddings in the background", app.port());
    return app;
  }

  /** The bound port (useful with PORT=0). */
  public int port() {
    return server.port();
  }

  /** The route table. */
  public Routes routes() {
    return routes;
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
   * finish (answers from then on say {@code Connection: close}).
   *
   * @return true when every request in flight finished in time
   */
  public boolean shutdownGracefully() {
    Duration drain = config.lifecycle().drain();
    LOG.info("Shutdown requested: readiness now 503; draining for {} s", drain.toSeconds());
    lifecycle.startDraining();
    try {
      Thread.sleep(drain.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    DrainReport report = server.drain(config.lifecycle().grace());
    stopWork();
    LOG.info("Recommender stopped ({})", report);
    return report.drained();
  }

  private void stopWork() {
    warmUp.close();
    heartbeat.close();
    workers.shutdownNow();
  }

  /** Immediate stop (tests). */
  @Override
  public void close() {
    server.close();
    stopWork();
  }
}
