package dev.selfheal.runtime.http;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one content-type rule: which media types a route accepts for a request body, compared on the
 * type and subtype alone (parameters such as {@code charset} are ignored, case does not matter),
 * and whether a body with no {@code Content-Type} is accepted.
 *
 * @param mediaTypes accepted media types, lower case; empty accepts any
 * @param absentAllowed whether a request without {@code Content-Type} is accepted
 */
public record BodyTypes(Set<String> mediaTypes, boolean absentAllowed) {
  /** Only {@code application/json}, which must be declared. */
  public static final BodyTypes JSON = new BodyTypes(Set.of("application/json"), false);

  /** Any body, declared or not (the handler decides). */
  public static final BodyTypes ANY = new BodyTypes(Set.of(), true);

  /** Freezes the set. */
  public BodyTypes {
    mediaTypes = Set.copyOf(mediaTypes);
  }

  /** The media type of a {@code Content-Type} value: before any {@code ;}, trimmed, lower case. */
  public static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Checks a request's {@code Content-Type}.
   *
   * @throws HttpError 415 naming what is accepted
   */
  void check(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      if (absentAllowed) {
        return;
      }
    } else if (mediaTypes.isEmpty() || mediaTypes.contains(mediaType(contentType))) {
      return;
    }
    String accepted = String.join(", ", mediaTypes.stream().sorted().toList());
    throw new HttpError(
        415,
        "unsupported_media_type",
        "Content-Type",
        "Content-Type must be "
            + accepted
            + ", got "
            + (contentType == null ? "none" : "'" + contentType + "'"),
        Map.of("Accept", accepted));
  }
}
