package dev.selfheal.recommender.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;

/**
 * A recommender on port 0 with generated embeddings (loaded at once) and the real profile stub,
 * returned once {@code /ready} answers 200; {@link #close()} stops both.
 */
public final class LoadedRecommender implements AutoCloseable {
  private final ProfileStubServer stub;
  private final RecommenderApp app;
  private final HttpProbe http;

  private LoadedRecommender(ProfileStubServer stub, RecommenderApp app) {
    this.stub = stub;
    this.app = app;
    this.http = new HttpProbe(app.port());
  }

  /** Starts the stub and the recommender with {@code items} items and waits until ready. */
  public static LoadedRecommender start(int items) {
    ProfileStubServer stub =
        ProfileStubServer.start(
            StubConfig.fromEnv(Map.of("PORT", "0", "PROFILE_ITEM_COUNT", Integer.toString(items))));
    RecommenderConfig config =
        TestConfigs.config(Map.of("PROFILE_API_URL", "http://127.0.0.1:" + stub.port()));
    EmbeddingSet set = new EmbeddingGenerator(16, 42).generate(items, 200);
    RecommenderApp app =
        RecommenderApp.start(
            config,
            new PrometheusRegistry(),
            progress -> {
              progress.update(set.size(), set.size());
              return set;
            },
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    LoadedRecommender loaded = new LoadedRecommender(stub, app);
    await().atMost(Duration.ofSeconds(10)).until(() -> loaded.http.get("/ready").status() == 200);
    return loaded;
  }

  /** The running recommender. */
  public RecommenderApp app() {
    return app;
  }

  /** The recommender's port. */
  public int port() {
    return app.port();
  }

  /** A client for the recommender. */
  public HttpProbe http() {
    return http;
  }

  @Override
  public void close() {
    app.close();
    stub.close();
  }
}
