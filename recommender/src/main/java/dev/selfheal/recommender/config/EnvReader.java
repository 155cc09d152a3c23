package dev.selfheal.recommender.config;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads typed settings from an environment map and fails fast with a message that names the
 * variable. Only the composition roots (the {@code main} methods) hand it {@code System.getenv()};
 * everything else receives records.
 */
public final class EnvReader {

  private final Map<String, String> env;

  /**
   * @param env the environment, usually {@code System.getenv()}; tests pass a plain map
   */
  public EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  private String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** A string setting, or the default when unset or blank. */
  public String string(String name, String defaultValue) {
    String value = raw(name);
    return value == null ? defaultValue : value;
  }

  /** An integer in {@code [min, max]}. */
  public int integer(String name, int defaultValue, int min, int max) {
    long value = longValue(name, defaultValue, min, max);
    return (int) value;
  }

  /** A long in {@code [min, max]}. */
  public long longValue(String name, long defaultValue, long min, long max) {
    String value = raw(name);
    long parsed;
    if (value == null) {
      parsed = defaultValue;
    } else {
      try {
        parsed = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be an integer in [" + min + ", " + max + "], got '" + value + "'", e);
      }
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + parsed);
    }
    return parsed;
  }

  /** A finite double in {@code [min, max]}. */
  public double decimal(String name, double defaultValue, double min, double max) {
    String value = raw(name);
    double parsed;
    if (value == null) {
      parsed = defaultValue;
    } else {
      try {
        parsed = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            name + " must be a number in [" + min + ", " + max + "], got '" + value + "'", e);
      }
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + parsed);
    }
    return parsed;
  }

  /** A boolean written as true/false (also 1/0, yes/no). */
  public boolean bool(String name, boolean defaultValue) {
    String value = raw(name);
    if (value == null) {
      return defaultValue;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
      case "1":
      case "yes":
        return true;
      case "false":
      case "0":
      case "no":
        return false;
      default:
        throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    }
  }

  /** An absolute http(s) URI. */
  public URI httpUri(String name, String defaultValue) {
    String value = string(name, defaultValue);
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " is not a valid URI: '" + value + "'", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          name
              + " must be an absolute http(s) URL such as http://profile-api:8081, got '"
              + value
              + "'");
    }
    return uri;
  }
}
