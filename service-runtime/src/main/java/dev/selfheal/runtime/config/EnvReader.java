package dev.selfheal.runtime.config;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads typed settings from an environment map once, at the edge, and fails fast with an {@link
 * IllegalArgumentException} whose message names the variable. Unset and blank variables take the
 * default. Only the composition roots hand it {@code System.getenv()}; everything else receives
 * records.
 */
public final class EnvReader {
  private static final Duration LONGEST = Duration.ofDays(365);

  /** Largest secret file read; a secret is a token or a password, not a document. */
  public static final int MAX_SECRET_BYTES = 4096;

  private final Map<String, String> env;

  /**
   * Reads from {@code env} (usually {@code System.getenv()}; tests pass a plain map, where a null
   * value means unset, as a manifest's {@code valueFrom} variable reads when it has no value here).
   */
  public EnvReader(Map<String, String> env) {
    Map<String, String> set = new HashMap<>();
    Objects.requireNonNull(env, "env")
        .forEach(
            (name, value) -> {
              if (value != null) {
                set.put(name, value);
              }
            });
    this.env = Map.copyOf(set);
  }

  private String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** A string, trimmed. */
  public String string(String name, String defaultValue) {
    String value = raw(name);
    return value == null ? defaultValue : value;
  }

  /** An integer in {@code [min, max]}. */
  public int integer(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
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

  /** A finite number in {@code [min, max]}. */
  public double decimal(String name, double defaultValue, double min, double max) {
    String value = raw(name);
    double parsed = value == null ? defaultValue : number(name, value).doubleValue();
    if (!(parsed >= min && parsed <= max)) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], got " + (value == null ? parsed : value));
    }
    return parsed;
  }

  /** A number from 0 to 1. */
  public double fraction(String name, double defaultValue) {
    return decimal(name, defaultValue, 0, 1);
  }

  /** A boolean written as true/false (also 1/0, yes/no). */
  public boolean bool(String name, boolean defaultValue) {
    String value = raw(name);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    };
  }

  /** Seconds, fractions allowed ({@code 1.5}); zero only when {@code zeroAllowed}. */
  public Duration seconds(String name, Duration defaultValue, boolean zeroAllowed) {
    return duration(name, defaultValue, zeroAllowed, 1_000);
  }

  /** Milliseconds, fractions allowed; zero only when {@code zeroAllowed}. */
  public Duration millis(String name, Duration defaultValue, boolean zeroAllowed) {
    return duration(name, defaultValue, zeroAllowed, 1);
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
    if (millis.compareTo(BigDecimal.valueOf(LONGEST.toMillis())) > 0) {
      throw new IllegalArgumentException(name + " is implausibly large: " + value);
    }
    return Duration.ofNanos(millis.movePointRight(6).longValue());
  }

  /**
   * A comma-separated list, each item trimmed, empty items dropped, in the order written; the
   * default is written the same way ({@code "a,b"}).
   */
  public List<String> list(String name, String defaultValue) {
    return Arrays.stream(string(name, defaultValue).split(","))
        .map(String::trim)
        .filter(item -> !item.isEmpty())
        .toList();
  }

  /**
   * A secret from the file named by {@code NAME_FILE} (a mounted Secret), else from {@code NAME}
   * itself; surrounding whitespace is stripped, as {@code kubectl create secret --from-file} keeps
   * a trailing newline. The file wins when both are set.
   *
   * @param name the variable holding the value; {@code name + "_FILE"} holds the file's path
   * @return the secret, or {@code null} when neither variable is set (the caller decides whether it
   *     is required)
   * @throws IllegalArgumentException naming {@code NAME_FILE} when the file cannot be read or is
   *     larger than {@value #MAX_SECRET_BYTES} bytes
   */
  public String secret(String name) {
    String fileVar = name + "_FILE";
    String file = raw(fileVar);
    if (file == null) {
      return raw(name);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          fileVar + " " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_SECRET_BYTES) {
      throw new IllegalArgumentException(
          fileVar + " " + file + " is larger than " + MAX_SECRET_BYTES + " bytes");
    }
    String value = new String(bytes, StandardCharsets.UTF_8).strip();
    return value.isEmpty() ? null : value;
  }

  /** A file system path. */
  public Path path(String name, String defaultValue) {
    return Path.of(string(name, defaultValue));
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

  private static BigDecimal number(String name, String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'", e);
    }
  }
}
