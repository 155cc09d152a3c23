package dev.selfheal.runtime.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * A request whose head and whole body have arrived (the server reads both without holding a thread,
 * within the size and time limits), as a handler sees it.
 */
public final class Request {
  private final String method;
  private final String path;
  private final String query;
  private final Function<String, String> headers;
  private final byte[] body;
  private final Map<String, String> pathParams;
  private final long receivedNanos = System.nanoTime();

  /**
   * Creates a request.
   *
   * @param method HTTP method
   * @param path the path as sent, without the query
   * @param query the raw query string, or null
   * @param headers header lookup by name, case-insensitive
   * @param body the body, empty when none
   * @param pathParams values of the route's {@code {name}} segments
   */
  public Request(
      String method,
      String path,
      String query,
      Function<String, String> headers,
      byte[] body,
      Map<String, String> pathParams) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.body = body;
    this.pathParams = Map.copyOf(pathParams);
  }

  /**
   * When the whole request had arrived and was handed to its route ({@link System#nanoTime}); a
   * handler running later on an executor can tell what happened since.
   */
  public long receivedNanos() {
    return receivedNanos;
  }

  /** HTTP method. */
  public String method() {
    return method;
  }

  /** The path as sent, without the query. */
  public String path() {
    return path;
  }

  /** The first value of a header, or null. */
  public String header(String name) {
    return headers.apply(name);
  }

  /** The body (not a copy: do not change it). */
  public byte[] body() {
    return body;
  }

  /** The value of a {@code {name}} segment of the route's path. */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /**
   * The first value of a query parameter, percent-decoded as UTF-8, or null.
   *
   * @throws HttpError 400 naming the parameter when its encoding is broken
   */
  public String queryParam(String name) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      if (decode(key, name).equals(name)) {
        return decode(value, name);
      }
    }
    return null;
  }

  private static String decode(String raw, String parameter) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(parameter, "query string has a broken %-escape");
    }
  }
}
