package dev.selfheal.runtime.http;

/**
 * Told about every answered request, for request-duration metrics. {@code route} is the route's
 * path template (or {@code unmatched}), never the raw path, so label values stay bounded.
 */
@FunctionalInterface
public interface RequestObserver {
  /** Observes nothing. */
  RequestObserver NONE = (method, route, status, seconds) -> {};

  /** One request answered with {@code status} after {@code seconds}. */
  void observe(String method, String route, int status, double seconds);
}
