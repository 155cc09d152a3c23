package dev.selfheal.runtime.http;

import dev.selfheal.runtime.config.EnvReader;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit of the HTTP layer. Each one answers with the JSON error body when it is hit.
 *
 * @param maxRequestLineBytes longest request line; longer gets 414
 * @param maxHeaderBytes largest header block; larger gets 431
 * @param maxBodyBytes largest body unless a route sets its own; larger gets 413
 * @param headerTimeout time from a request's first byte (or the connection's opening) to the end of
 *     its headers; slower gets 408 and the connection is closed
 * @param bodyTimeout time from the end of the headers to the end of the body; slower gets 408
 * @param idleTimeout how long a keep-alive connection may wait for its next request
 * @param maxConnections open connections at most; a newcomer beyond it closes the connection that
 *     has waited longest without a request in progress, or gets 503 when every one has a request
 */
public record HttpLimits(
    int maxRequestLineBytes,
    int maxHeaderBytes,
    int maxBodyBytes,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    int maxConnections) {

  /**
   * Checks the values; a wrong one fails naming its setting, its bound and the value given.
   *
   * @throws IllegalArgumentException for a value out of bounds
   */
  public HttpLimits {
    atLeast("maxRequestLineBytes", maxRequestLineBytes, 256);
    atLeast("maxHeaderBytes", maxHeaderBytes, 1024);
    atLeast("maxBodyBytes", maxBodyBytes, 0);
    positive("headerTimeout", headerTimeout);
    positive("bodyTimeout", bodyTimeout);
    positive("idleTimeout", idleTimeout);
    atLeast("maxConnections", maxConnections, 1);
  }

  private static void atLeast(String setting, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(setting + " must be >= " + min + ", got " + value);
    }
  }

  private static void positive(String setting, Duration value) {
    Objects.requireNonNull(value, setting);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(setting + " must be > 0, got " + value);
    }
  }

  /** The defaults: 4 KiB line, 8 KiB headers, 64 KiB body, 5 s / 10 s / 60 s, 4096 connections. */
  public static HttpLimits defaults() {
    return new HttpLimits(
        4096,
        8192,
        65_536,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        4096);
  }

  /** These limits with another default body limit. */
  public HttpLimits withMaxBodyBytes(int bytes) {
    return new HttpLimits(
        maxRequestLineBytes,
        maxHeaderBytes,
        bytes,
        headerTimeout,
        bodyTimeout,
        idleTimeout,
        maxConnections);
  }

  /**
   * Reads the limits from the environment ({@code HTTP_HEADER_TIMEOUT_SECONDS}, {@code
   * HTTP_BODY_TIMEOUT_SECONDS}, {@code HTTP_IDLE_TIMEOUT_SECONDS}, {@code HTTP_MAX_CONNECTIONS},
   * {@code MAX_BODY_BYTES}); unset variables keep {@link #defaults()}.
   */
  public static HttpLimits fromEnv(EnvReader env) {
    HttpLimits d = defaults();
    return new HttpLimits(
        d.maxRequestLineBytes(),
        d.maxHeaderBytes(),
        env.integer("MAX_BODY_BYTES", d.maxBodyBytes(), 256, 16 * 1024 * 1024),
        env.seconds("HTTP_HEADER_TIMEOUT_SECONDS", d.headerTimeout(), false),
        env.seconds("HTTP_BODY_TIMEOUT_SECONDS", d.bodyTimeout(), false),
        env.seconds("HTTP_IDLE_TIMEOUT_SECONDS", d.idleTimeout(), false),
        env.integer("HTTP_MAX_CONNECTIONS", d.maxConnections(), 1, 1_000_000));
  }
}
