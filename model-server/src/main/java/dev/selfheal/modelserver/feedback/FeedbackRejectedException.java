package dev.selfheal.modelserver.feedback;

import dev.selfheal.runtime.http.HttpError;
import java.util.Map;

/**
 * Feedback the server refuses: the status to answer, a stable code, the field at fault and extra
 * headers (e.g. {@code WWW-Authenticate}). Nothing was recorded. An {@link HttpError}, so the HTTP
 * layer answers it as it is.
 */
public final class FeedbackRejectedException extends HttpError {
  private static final long serialVersionUID = 1L;

  FeedbackRejectedException(
      int status, String code, String field, String message, Map<String, String> headers) {
    super(status, code, field, message, headers);
  }
}
