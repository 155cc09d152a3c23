package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

import dev.selfheal.modelserver.ModelServer;
import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.ModelProvenance;
import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.testing.FakeModel;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up: HTTP answers while the model loads (not live, not ready), then turns ready. */
class StartupTest {
  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private ServerConfig config(int port) {
    return ServerConfig.fromEnv(
        Map.of(
            "PORT", Integer.toString(port),
            "UNREADY_FILE", dir.resolve("unready").toString(),
            "UNHEALTHY_FILE", dir.resolve("unhealthy").toString()));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)));
  }

  @Test
  void probesAnswerDuringTheModelLoadAndTurnGreenAfterTheSelfCheck() throws Exception {
    int port = freePort();
    CountDownLatch loaded = new CountDownLatch(1);
    CompletableFuture<ModelServer> starting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return ModelServer.start(
                    config(port),
                    version -> {
                      if (!loaded.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                      }
                      return new FakeModel(20, 0);
                    },
                    new PrometheusRegistry(),
                    Clock.systemUTC());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptionsInstanceOf(ConnectException.class)
          .until(() -> get(port, "/ready").statusCode() == 503);
      HttpResponse<String> health = get(port, "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("starting");
      assertThat(get(port, "/").body())
          .contains("\"phase\":\"STARTING\"")
          .doesNotContain("\"model\"");
      HttpResponse<String> predict =
          send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"amount\":1,\"hour\":1,\"distance_from_home_km\":1,"
                              + "\"transactions_last_24h\":1,\"merchant_category\":\"fuel\","
                              + "\"card_present\":true}")));
      assertThat(predict.statusCode()).isEqualTo(503);
      assertThat(predict.headers().firstValue("Retry-After")).contains("1");
      assertThat(get(port, "/metrics").statusCode()).isEqualTo(200);

      loaded.countDown();
      ModelServer server = starting.get(10, TimeUnit.SECONDS);
      assertThat(server.phase()).isEqualTo(Phase.READY);
      assertThat(get(port, "/ready").statusCode()).isEqualTo(200);
      assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    } finally {
      loaded.countDown();
      starting.thenAccept(ModelServer::close);
    }
  }

  @Test
  void aModelThatCannotLoadFailsTheStartAndFreesThePort() throws Exception {
    int port = freePort();
    assertThatException()
        .isThrownBy(
            () ->
                ModelServer.start(
                    config(port),
                    version -> {
                      throw new IllegalStateException("artifact missing");
                    },
                    new PrometheusRegistry(),
                    Clock.systemUTC()))
        .withMessageContaining("artifact missing");
    try (ServerSocket again = new ServerSocket(port)) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void aModelThatFailsItsSelfCheckFailsTheStart() {
    FraudModel broken =
        new FraudModel() {
          private final FakeModel golden = new FakeModel(5, 0);

          @Override
          public Prediction predict(Transaction transaction) {
            return new Prediction(true, Double.NaN);
          }

          @Override
          public ModelProvenance provenance() {
            return golden.provenance();
          }

          @Override
          public List<LabeledTransaction> goldenSet() {
            return golden.goldenSet();
          }
        };
    assertThatException()
        .isThrownBy(
            () ->
                ModelServer.start(
                    config(0), version -> broken, new PrometheusRegistry(), Clock.systemUTC()))
        .withMessageContaining("confidence NaN");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
