package dev.selfheal.traffic.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.transactions.Transaction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Calls {@code POST /predict} and {@code POST /feedback} asynchronously with the JDK HttpClient.
 */
public final class ModelServerClient {

  private final HttpClient http;
  private final ObjectMapper json;
  private final URI predictUri;
  private final URI feedbackUri;
  private final Duration timeout;
  private final String feedbackToken;

  /**
   * Creates a client for the server at {@code baseUrl} that sends feedback without a token.
   *
   * @param baseUrl e.g. {@code http://localhost:8080}, without a trailing slash
   * @param timeout timeout of each request
   */
  public ModelServerClient(HttpClient http, ObjectMapper json, URI baseUrl, Duration timeout) {
    this(http, json, baseUrl, timeout, null);
  }

  /**
   * Creates a client for the server at {@code baseUrl}.
   *
   * @param baseUrl e.g. {@code http://localhost:8080}, without a trailing slash
   * @param timeout timeout of each request
   * @param feedbackToken the server's {@code FEEDBACK_TOKEN}, sent as a bearer token with each
   *     feedback; null or blank for none
   */
  public ModelServerClient(
      HttpClient http, ObjectMapper json, URI baseUrl, Duration timeout, String feedbackToken) {
    this.http = http;
    this.json = json;
    this.predictUri = URI.create(baseUrl + "/predict");
    this.feedbackUri = URI.create(baseUrl + "/feedback");
    this.timeout = timeout;
    this.feedbackToken =
        feedbackToken == null || feedbackToken.isBlank() ? null : feedbackToken.trim();
  }

  /** Scores one transaction; never completes exceptionally. */
  public CompletableFuture<PredictResult> predict(Transaction transaction) {
    return http.sendAsync(post(predictUri, PredictRequest.of(transaction), null), bodyAsString())
        .handle(
            (response, failure) -> {
              if (failure != null) {
                return PredictResult.failed(noAnswer(failure), 0, describe(failure));
              }
              Outcome outcome = classify(response.statusCode());
              if (outcome != Outcome.OK) {
                return PredictResult.failed(
                    outcome,
                    response.statusCode(),
                    "HTTP " + response.statusCode() + " " + response.body());
              }
              try {
                PredictResponse body = json.readValue(response.body(), PredictResponse.class);
                if (body.predictionId() == null || body.prediction() == null) {
                  return PredictResult.failed(
                      Outcome.SERVER_ERROR,
                      response.statusCode(),
                      "answer without prediction_id or prediction");
                }
                return PredictResult.ok(response.statusCode(), body);
              } catch (JsonProcessingException e) {
                // A 2xx that is not the documented JSON is a server fault from the client's view.
                return PredictResult.failed(
                    Outcome.SERVER_ERROR,
                    response.statusCode(),
                    "answer is not JSON: " + e.getOriginalMessage());
              }
            });
  }

  /** Sends the true outcome of a prediction; never completes exceptionally. */
  public CompletableFuture<Outcome> feedback(String predictionId, boolean fraud) {
    return http.sendAsync(
            post(feedbackUri, FeedbackRequest.of(predictionId, fraud), feedbackToken),
            bodyAsString())
        .handle(
            (response, failure) ->
                failure != null ? Outcome.UNREACHABLE : classify(response.statusCode()));
  }

  static Outcome noAnswer(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpTimeoutException) {
        return Outcome.TIMED_OUT;
      }
    }
    return Outcome.UNREACHABLE;
  }

  /**
   * The innermost cause, e.g. {@code java.net.ConnectException: Connection refused}, or the timeout
   * when there was one: the HTTP client sometimes attaches the closing of the timed-out connection
   * to it as a cause, which says less.
   */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while (!(cause instanceof HttpTimeoutException)
        && cause.getCause() != null
        && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.toString();
  }

  static Outcome classify(int status) {
    if (status >= 200 && status < 300) {
      return Outcome.OK;
    }
    if (status == 503) {
      return Outcome.UNAVAILABLE;
    }
    if (status >= 400 && status < 500) {
      return Outcome.REJECTED;
    }
    return Outcome.SERVER_ERROR;
  }

  private HttpRequest post(URI uri, Object body, String bearer) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      if (bearer != null) {
        request.header("Authorization", "Bearer " + bearer);
      }
      return request.build();
    } catch (JsonProcessingException e) {
      // Our own records always serialise; reaching this is a programming error.
      throw new IllegalStateException("cannot serialise " + body, e);
    }
  }

  private static HttpResponse.BodyHandler<String> bodyAsString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}
