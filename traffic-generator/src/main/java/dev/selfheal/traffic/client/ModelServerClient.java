package dev.selfheal.traffic.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.transactions.Transaction;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletableFuture;

/**
 * Calls {@code POST /predict} and {@code POST /feedback} through a {@link Transport} (a {@link
 * dev.selfheal.traffic.lane.Lane}: one connection, so the feedback reaches the pod that predicted),
 * and classifies every answer.
 */
public final class ModelServerClient {

  private final Transport transport;
  private final ObjectMapper json;
  private final String feedbackToken;

  /**
   * Creates a client.
   *
   * @param transport where requests go
   * @param json the mapper for bodies
   * @param feedbackToken the server's {@code FEEDBACK_TOKEN}, sent as a bearer token with each
   *     feedback; null or blank for none
   */
  public ModelServerClient(Transport transport, ObjectMapper json, String feedbackToken) {
    this.transport = transport;
    this.json = json;
    this.feedbackToken =
        feedbackToken == null || feedbackToken.isBlank() ? null : feedbackToken.trim();
  }

  /** Scores one transaction; never completes exceptionally. */
  public CompletableFuture<PredictResult> predict(Transaction transaction) {
    return post("/predict", PredictRequest.of(transaction), null)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                return PredictResult.failed(noAnswer(failure), 0, describe(failure));
              }
              Outcome outcome = classify(response.status());
              if (outcome != Outcome.OK) {
                return PredictResult.failed(
                    outcome,
                    response.status(),
                    "HTTP " + response.status() + " " + response.body());
              }
              try {
                PredictResponse body = json.readValue(response.body(), PredictResponse.class);
                if (body.predictionId() == null || body.prediction() == null) {
                  return PredictResult.failed(
                      Outcome.SERVER_ERROR,
                      response.status(),
                      "answer without prediction_id or prediction");
                }
                return PredictResult.ok(response.status(), body);
              } catch (JsonProcessingException e) {
                // A 2xx that is not the documented JSON is a server fault from the client's view.
                return PredictResult.failed(
                    Outcome.SERVER_ERROR,
                    response.status(),
                    "answer is not JSON: " + e.getOriginalMessage());
              }
            });
  }

  /** Sends the true outcome of a prediction; never completes exceptionally. */
  public CompletableFuture<Outcome> feedback(String predictionId, boolean fraud) {
    return post("/feedback", FeedbackRequest.of(predictionId, fraud), feedbackToken)
        .handle(
            (response, failure) ->
                failure != null ? Outcome.UNREACHABLE : classify(response.status()));
  }

  static Outcome noAnswer(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (isTimeout(cause)) {
        return Outcome.TIMED_OUT;
      }
    }
    return Outcome.UNREACHABLE;
  }

  /**
   * The innermost cause, a refused connection in words, or the timeout when there was one: the HTTP
   * client sometimes attaches the closing of the timed-out connection to it as a cause, which says
   * less.
   */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while (!isTimeout(cause)
        && !(cause instanceof ConnectException)
        && cause.getCause() != null
        && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    // A refused connection, whichever exception carries it: the JDK's ConnectException (the JDK
    // HttpClient's has no message and a ClosedChannelException as its cause) or the closed channel
    // alone. Said in words, since the bare class names tell a student nothing.
    if (cause instanceof ConnectException || cause instanceof ClosedChannelException) {
      return REFUSED + " (" + cause.getClass().getName() + ")";
    }
    return cause.toString();
  }

  /** What a refused or unanswered connection means for a model server behind a Service. */
  static final String REFUSED =
      "connection refused or closed before an answer: nothing listens at that address and port, or"
          + " the Service has no ready pod";

  /** A lane's socket timeout, or the JDK HttpClient's for a transport built on it. */
  private static boolean isTimeout(Throwable cause) {
    return cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException;
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

  private CompletableFuture<Transport.Answer> post(String path, Object body, String bearer) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      // Our own records always serialise; reaching this is a programming error.
      throw new IllegalStateException("cannot serialise " + body, e);
    }
    return transport.post(path, bytes, bearer);
  }
}
