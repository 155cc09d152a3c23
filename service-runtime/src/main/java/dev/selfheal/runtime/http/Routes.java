package dev.selfheal.runtime.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A service's route table: method and path to {@link Route}. A path that exists with another method
 * answers 405 with {@code Allow}; any other path 404; both with the JSON error body. Templates are
 * matched segment by segment, so {@code /v2/models/{name}} never matches {@code /v2/models/a/b}.
 */
public final class Routes {
  private final List<Route> routes;
  private final Map<String, Map<String, Route>> exact = new HashMap<>();
  private final List<Route> templated = new ArrayList<>();

  private Routes(List<Route> routes) {
    this.routes = List.copyOf(routes);
    for (Route route : routes) {
      if (route.path().contains("{")) {
        templated.add(route);
      } else if (exact
              .computeIfAbsent(route.path(), p -> new HashMap<>())
              .put(route.method(), route)
          != null) {
        throw new IllegalArgumentException("two routes for " + route.method() + " " + route.path());
      }
    }
  }

  /** The table of {@code routes}. */
  public static Routes of(Route... routes) {
    return new Routes(List.of(routes));
  }

  /** The table of {@code routes}. */
  public static Routes of(List<Route> routes) {
    return new Routes(routes);
  }

  /** Every route, in the order given. */
  public List<Route> all() {
    return routes;
  }

  /**
   * Finds the route for a request.
   *
   * @return the route and its path parameters
   * @throws HttpError 404 for an unknown path, 405 with {@code Allow} for a known path and another
   *     method
   */
  Match match(String method, String path) {
    Map<String, Route> byMethod = exact.get(path);
    if (byMethod != null) {
      Route route = byMethod.get(method);
      if (route != null) {
        return new Match(route, Map.of());
      }
    }
    TreeSet<String> allowed = new TreeSet<>();
    if (byMethod != null) {
      allowed.addAll(byMethod.keySet());
    }
    for (Route route : templated) {
      Map<String, String> params = bind(route.path(), path);
      if (params != null) {
        if (route.method().equals(method)) {
          return new Match(route, params);
        }
        allowed.add(route.method());
      }
    }
    if (allowed.isEmpty()) {
      throw HttpError.notFound("no such path: " + path);
    }
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    if (method.equals("HEAD") && allowed.contains("GET")) {
      return match("GET", path);
    }
    throw new HttpError(
        405,
        "method_not_allowed",
        null,
        "method " + method + " is not allowed on " + path,
        Map.of("Allow", String.join(", ", allowed)));
  }

  /** The values of the template's {@code {name}} segments, or null when the path does not fit. */
  private static Map<String, String> bind(String template, String path) {
    String[] want = template.split("/", -1);
    String[] got = path.split("/", -1);
    if (want.length != got.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith("{") && want[i].endsWith("}")) {
        if (got[i].isEmpty()) {
          return null;
        }
        params.put(want[i].substring(1, want[i].length() - 1), got[i]);
      } else if (!want[i].equals(got[i])) {
        return null;
      }
    }
    return params;
  }

  /**
   * A matched route.
   *
   * @param route the route
   * @param params its path parameters
   */
  record Match(Route route, Map<String, String> params) {}
}
