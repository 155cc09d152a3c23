package dev.selfheal.traffic.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.traffic.lane.Lane;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's request bodies and its reading of every kind of answer, against a JDK HttpServer on
 * a free port that answers as scripted (the real server cannot be made to send a malformed 200).
 */
class ModelServerClientTest {

  private static final Transaction TRANSACTION =
      new Transaction(125.5, 14, 3.2, 2, MerchantCategory.GROCERY, true);

  private final ObjectMapper json = new ObjectMapper();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private volatile int status = 200;
  private volatile String answer = "{}";
  private final CountDownLatch stuck = new CountDownLatch(1);
  private ModelServerClient client;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          bodies.add(json.readTree(exchange.getRequestBody()));
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    client =
        new ModelServerClient(
            new Lane(
                "test-lane",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Duration.ofSeconds(2)),
            json,
            null);
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void sendsTheDocumentedPredictBodyAndReadsTheAnswer() throws Exception {
    answer =
        """
        {"prediction":"fraud","confidence":0.97,"latency_ms":0.4,"version":"v1.0",
         "prediction_id":"3f1c","model":"fraud-detector"}""";

    PredictResult result = client.predict(TRANSACTION).get();

    assertThat(result.outcome()).isEqualTo(Outcome.OK);
    assertThat(result.response())
        .isEqualTo(new PredictResponse("fraud", 0.97, 0.4, "v1.0", "3f1c"));
    assertThat(result.response().fraud()).isTrue();
    assertThat(bodies.get(0))
        .isEqualTo(
            json.readTree(
                """
                {"amount":125.5,"hour":14,"distance_from_home_km":3.2,"transactions_last_24h":2,
                 "merchant_category":"grocery","card_present":true}"""));
  }

  @Test
  void sendsFeedbackWithTheTrueLabel() throws Exception {
    status = 202;

    assertThat(client.feedback("3f1c", false).get()).isEqualTo(Outcome.OK);
    assertThat(bodies.get(0))
        .isEqualTo(json.readTree("{\"prediction_id\":\"3f1c\",\"label\":\"legitimate\"}"));
  }

  @Test
  void classifiesFailedAnswers() throws Exception {
    status = 503;
    answer = "{\"error\":\"overloaded\"}";
    assertThat(client.predict(TRANSACTION).get())
        .isEqualTo(
            PredictResult.failed(Outcome.UNAVAILABLE, 503, "HTTP 503 {\"error\":\"overloaded\"}"));
    status = 400;
    assertThat(client.predict(TRANSACTION).get().outcome()).isEqualTo(Outcome.REJECTED);
    status = 404;
    assertThat(client.feedback("gone", true).get()).isEqualTo(Outcome.REJECTED);
    status = 500;
    assertThat(client.predict(TRANSACTION).get().outcome()).isEqualTo(Outcome.SERVER_ERROR);
  }

  @Test
  void aSuccessWithoutTheDocumentedBodyIsAServerError() throws Exception {
    answer = "not json";
    PredictResult notJson = client.predict(TRANSACTION).get();
    assertThat(notJson.outcome()).isEqualTo(Outcome.SERVER_ERROR);
    assertThat(notJson.detail()).startsWith("answer is not JSON");
    answer = "{\"prediction\":\"fraud\"}";
    assertThat(client.predict(TRANSACTION).get().detail())
        .isEqualTo("answer without prediction_id or prediction");
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    server.createContext(
        "/stuck",
        exchange -> {
          // Hold the exchange open past the client's timeout, as a stalled server does.
          try {
            stuck.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    ModelServerClient impatient =
        new ModelServerClient(
            new Lane(
                "impatient-lane",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stuck"),
                Duration.ofMillis(200)),
            json,
            null);

    PredictResult result = impatient.predict(TRANSACTION).get();
    stuck.countDown();

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.detail()).contains("SocketTimeoutException");
  }

  @Test
  void noServerIsUnreachable() throws Exception {
    server.stop(0);

    PredictResult result = client.predict(TRANSACTION).get();
    assertThat(result.outcome()).isEqualTo(Outcome.UNREACHABLE);
    // ConnectException or ClosedChannelException, depending on how far the JDK got: both in words.
    assertThat(result.detail()).startsWith(ModelServerClient.REFUSED);
    assertThat(client.feedback("x", true).get()).isEqualTo(Outcome.UNREACHABLE);
  }

  @Test
  void aTimeoutIsDescribedAsTheTimeoutNotAsTheConnectionClosedAfterIt() {
    Throwable chain =
        new java.util.concurrent.CompletionException(
            new java.net.SocketTimeoutException("request timed out")
                .initCause(new IOException("connection closed locally")));

    assertThat(ModelServerClient.describe(chain))
        .isEqualTo("java.net.SocketTimeoutException: request timed out");
    assertThat(ModelServerClient.noAnswer(chain)).isEqualTo(Outcome.TIMED_OUT);
    assertThat(
            ModelServerClient.describe(
                new java.util.concurrent.CompletionException(
                    new java.net.ConnectException("Connection refused"))))
        .isEqualTo(ModelServerClient.REFUSED + " (java.net.ConnectException)");
  }

  @Test
  void aRefusedConnectionIsSaidInWordsNotAsAClosedChannel() {
    Throwable jdkHttpClient =
        new java.util.concurrent.CompletionException(
            new java.net.ConnectException()
                .initCause(new java.nio.channels.ClosedChannelException()));

    assertThat(ModelServerClient.describe(jdkHttpClient))
        .isEqualTo(ModelServerClient.REFUSED + " (java.net.ConnectException)")
        .doesNotContain("ClosedChannelException");
    assertThat(
            ModelServerClient.describe(
                new java.io.IOException(new java.nio.channels.ClosedChannelException())))
        .startsWith(ModelServerClient.REFUSED);
    assertThat(ModelServerClient.noAnswer(jdkHttpClient)).isEqualTo(Outcome.UNREACHABLE);
  }
}
