package dev.selfheal.modelserver.config;

import dev.selfheal.modelserver.model.ModelRelease;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Parses typed values out of environment variables; every error names the variable. */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  private String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  int integer(String name, int fallback, int min, int max) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  double fraction(String name, double fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    double parsed = number(name, value).doubleValue();
    if (!(parsed >= 0 && parsed <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
    }
    return parsed;
  }

  /** Seconds, fractions allowed ({@code 1.5}); zero only when {@code zeroAllowed}. */
  Duration seconds(String name, Duration fallback, boolean zeroAllowed) {
    return duration(name, fallback, zeroAllowed, 1_000);
  }

  /** Whole or fractional milliseconds. */
  Duration millis(String name, Duration fallback, boolean zeroAllowed) {
    return duration(name, fallback, zeroAllowed, 1);
  }

  private Duration duration(String name, Duration fallback, boolean zeroAllowed, int unitMillis) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    BigDecimal parsed = number(name, value);
    int sign = parsed.signum();
    if (sign < 0 || (sign == 0 && !zeroAllowed)) {
      throw new IllegalArgumentException(
          name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
    }
    BigDecimal millis = parsed.multiply(BigDecimal.valueOf(unitMillis));
    if (millis.compareTo(BigDecimal.valueOf(Duration.ofDays(365).toMillis())) > 0) {
      throw new IllegalArgumentException(name + " is implausibly large: " + value);
    }
    return Duration.ofNanos(millis.movePointRight(6).longValue());
  }

  /** The trimmed value, or empty when unset or blank. */
  String text(String name) {
    String value = raw(name);
    return value == null ? "" : value;
  }

  Path path(String name, String fallback) {
    String value = raw(name);
    return Path.of(value == null ? fallback : value);
  }

  /** A release name, normalised to {@code v1.0}/{@code v2.0} as the model package spells it. */
  String modelVersion(String name, String fallback) {
    String value = raw(name);
    return value == null ? fallback : ModelRelease.fromSetting(value).version();
  }

  private static BigDecimal number(String name, String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
    }
  }
}
