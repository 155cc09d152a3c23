package dev.selfheal.recommender.server;

import dev.selfheal.recommender.service.NotReadyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into HTTP answers: 400 for bad input (naming the field), 405
 * for a wrong method, 503 before the service is ready, 500 for anything else. Bodies are JSON and
 * never carry a stack trace.
 */
public final class ErrorMapper {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  /**
   * The JSON body of an error.
   *
   * @param error human-readable message
   * @param field the request field at fault, for 400 only
   */
  public record ErrorBody(String error, String field) {}

  private ErrorMapper() {}

  /** Maps an exception to a response. */
  public static JsonResponse map(Throwable error) {
    if (error instanceof BadRequestException bad) {
      return new JsonResponse(400, new ErrorBody(bad.getMessage(), bad.field()));
    }
    if (error instanceof MethodNotAllowedException notAllowed) {
      return new JsonResponse(405, new ErrorBody(notAllowed.getMessage(), null));
    }
    if (error instanceof NotReadyException notReady) {
      return new JsonResponse(503, new ErrorBody(notReady.getMessage(), null));
    }
    LOG.error("Unhandled error while serving a request", error);
    return new JsonResponse(500, new ErrorBody("internal error", null));
  }
}
