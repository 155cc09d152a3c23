package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.selfheal.modelserver.feedback.FeedbackRejectedException;
import dev.selfheal.modelserver.inference.ModelFailureException;
import dev.selfheal.modelserver.inference.ModelNotReadyException;
import dev.selfheal.modelserver.inference.ModelStuckException;
import dev.selfheal.modelserver.model.InvalidTransactionException;
import dev.selfheal.modelserver.oip.OipException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into HTTP statuses and JSON bodies. Client mistakes become
 * 4xx naming the problem; server failures become 500/503 with a generic message. No stack trace
 * ever reaches a client.
 */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  /** Maps {@code failure} to an {@link ApiException} carrying status, body fields and headers. */
  public ApiException map(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof OipException oip) {
      String code =
          switch (oip.status()) {
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "bad_request";
          };
      return new ApiException(oip.status(), code, oip.tensor(), oip.getMessage(), Map.of());
    }
    if (failure instanceof FeedbackRejectedException rejected) {
      return new ApiException(
          rejected.status(),
          rejected.code(),
          rejected.field(),
          rejected.getMessage(),
          rejected.headers());
    }
    if (failure instanceof InvalidTransactionException invalid) {
      return ApiException.badRequest(invalid.field(), invalid.getMessage());
    }
    if (failure instanceof JsonProcessingException json) {
      return ApiException.badRequest(null, "malformed JSON: " + json.getOriginalMessage());
    }
    if (failure instanceof IOException) {
      // The client closed or broke the connection while sending its body: its problem, not ours.
      return ApiException.badRequest(null, "could not read the request body");
    }
    if (failure instanceof ModelNotReadyException) {
      return ApiException.unavailable("not_ready", failure.getMessage());
    }
    if (failure instanceof ModelStuckException) {
      return ApiException.unavailable("model_stuck", failure.getMessage());
    }
    if (failure instanceof RejectedExecutionException) {
      return ApiException.unavailable("overloaded", "inference queue is full, retry shortly");
    }
    if (failure instanceof ModelFailureException) {
      return new ApiException(
          500, "model_error", null, "the model failed to score this request", Map.of());
    }
    LOG.error("Unexpected failure while handling a request", failure);
    return new ApiException(500, "internal_error", null, "internal server error", Map.of());
  }
}
