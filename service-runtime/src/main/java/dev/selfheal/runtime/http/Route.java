package dev.selfheal.runtime.http;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One entry of a service's route table: method and path template ({@code /v2/models/{name}/infer}:
 * a {@code {name}} segment matches any one segment), the handler, and how the request is taken.
 *
 * @param method HTTP method, upper case
 * @param path path template
 * @param handler the endpoint
 * @param bodyTypes accepted request body types (checked for methods that carry a body)
 * @param maxBodyBytes largest accepted body; 0 takes the server's default
 * @param executor where the handler runs once the body has arrived; null runs it on the event loop,
 *     which is only for handlers that never block
 */
public record Route(
    String method,
    String path,
    Handler handler,
    BodyTypes bodyTypes,
    int maxBodyBytes,
    Executor executor) {

  /** Checks the fields. */
  public Route {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(bodyTypes, "bodyTypes");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with /, got " + path);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must be >= 0, got " + maxBodyBytes);
    }
  }

  /** {@code GET path}, answered on the event loop. */
  public static Route get(String path, Handler handler) {
    return new Route("GET", path, handler, BodyTypes.ANY, 0, null);
  }

  /** {@code POST path} taking JSON, answered on the event loop until {@link #on} says otherwise. */
  public static Route post(String path, Handler handler) {
    return new Route("POST", path, handler, BodyTypes.JSON, 0, null);
  }

  /** This route accepting other body types. */
  public Route accepting(BodyTypes types) {
    return new Route(method, path, handler, types, maxBodyBytes, executor);
  }

  /** This route with its own body limit. */
  public Route maxBody(int bytes) {
    return new Route(method, path, handler, bodyTypes, bytes, executor);
  }

  /** This route running its handler on {@code where} (which may refuse work: 503). */
  public Route on(Executor where) {
    return new Route(method, path, handler, bodyTypes, maxBodyBytes, where);
  }
}
