package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.inference.ModelFailureException;
import dev.selfheal.modelserver.inference.ModelNotReadyException;
import dev.selfheal.modelserver.inference.ModelStuckException;
import dev.selfheal.runtime.http.ErrorMapper;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.transactions.InvalidTransactionException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/** How the model server's own exceptions map to HTTP; the shared mapper does the rest. */
public final class ModelErrors {
  private ModelErrors() {}

  /** The model server's error mapper. */
  public static ErrorMapper mapper() {
    return ErrorMapper.builder()
        .map(ModelStuckException.class, e -> HttpError.unavailable("model_stuck", e.getMessage()))
        .map(
            InvalidTransactionException.class, e -> HttpError.badRequest(e.field(), e.getMessage()))
        .map(ModelNotReadyException.class, e -> HttpError.unavailable("not_ready", e.getMessage()))
        .map(
            RejectedExecutionException.class,
            e -> HttpError.unavailable("overloaded", "inference queue is full, retry shortly"))
        .map(
            ModelFailureException.class,
            e ->
                new HttpError(
                    500, "model_error", null, "the model failed to score this request", Map.of()))
        .build();
  }
}
