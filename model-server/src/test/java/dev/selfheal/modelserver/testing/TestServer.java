package dev.selfheal.modelserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.ModelServer;
import dev.selfheal.modelserver.ModelSource;
import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.ModelLoader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A real server on a free port with an HTTP client, for handler tests. */
public final class TestServer implements AutoCloseable {
  private static final Map<String, FraudModel> REAL_MODELS = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sample /predict body. */
  public static final String VALID_BODY =
      "{\"amount\": 125.5, \"hour\": 14, \"distance_from_home_km\": 3.2,"
          + " \"transactions_last_24h\": 2, \"merchant_category\": \"grocery\","
          + " \"card_present\": true}";

  /**
   * The {@code FEEDBACK_TOKEN} test servers get unless the test sets its own (an empty one for the
   * default of no token: feedback refused).
   */
  public static final String TOKEN = "test-feedback-token";

  private final ModelServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final PrometheusRegistry registry;

  private TestServer(ModelServer server, PrometheusRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** The shipped model for a release, loaded once per test JVM. */
  public static FraudModel realModel(String version) {
    return REAL_MODELS.computeIfAbsent(version, ModelLoader::load);
  }

  /**
   * Starts a server with {@code env} on top of test defaults (port 0, probe files in {@code dir}).
   */
  public static TestServer start(Map<String, String> env, ModelSource source, Path dir)
      throws Exception {
    return start(env, source, dir, Clock.systemUTC());
  }

  /** As {@link #start(Map, ModelSource, Path)} with an explicit clock. */
  public static TestServer start(Map<String, String> env, ModelSource source, Path dir, Clock clock)
      throws Exception {
    Map<String, String> all = new HashMap<>();
    all.put("PORT", "0");
    all.put("UNREADY_FILE", dir.resolve("unready").toString());
    all.put("UNHEALTHY_FILE", dir.resolve("unhealthy").toString());
    all.put("FEEDBACK_TOKEN", TOKEN);
    all.putAll(env);
    PrometheusRegistry registry = new PrometheusRegistry();
    return new TestServer(
        ModelServer.start(ServerConfig.fromEnv(all), source, registry, clock), registry);
  }

  /** The running server. */
  public ModelServer server() {
    return server;
  }

  /** The registry the server registered on. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Absolute URI of {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** GET. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** POST with JSON content type. */
  public HttpResponse<String> postJson(String path, String body)
      throws IOException, InterruptedException {
    return post(path, "application/json", body);
  }

  /** POST with a given content type (null for none). */
  public HttpResponse<String> post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    return send(postRequest(path, contentType, body));
  }

  /** POST {@code body} to {@code /feedback} with the test token. */
  public HttpResponse<String> feedback(String body) throws IOException, InterruptedException {
    return send(
        postRequest("/feedback", "application/json", body)
            .header("Authorization", "Bearer " + TOKEN));
  }

  /** POST without waiting. */
  public CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
    return client.sendAsync(
        postRequest(path, "application/json", body).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends an arbitrary request. */
  public HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder postRequest(String path, String contentType, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return builder.timeout(Duration.ofSeconds(10));
  }

  /** Parses a JSON body. */
  public static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  /** The value of a sample in the text exposition, e.g. {@code model_accuracy{version="v1.0"}}. */
  public double metric(String series) throws IOException, InterruptedException {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in /metrics");
  }

  @Override
  public void close() {
    server.close();
  }
}
