package dev.selfheal.runtime.log;

/**
 * Makes text from outside (alert labels, API error messages) safe to put into one log line: line
 * breaks and other control characters are written as escapes, so a label value containing {@code
 * \n} cannot forge a second log line, and long values are cut.
 */
public final class LogSafe {

  /** Longest value written to a log line. */
  public static final int MAX_LENGTH = 256;

  private LogSafe() {}

  /**
   * Escapes control characters and truncates.
   *
   * @param value any text, may be null
   * @return a single-line rendering ({@code "null"} for null)
   */
  public static String clean(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LENGTH) + 8);
    for (int i = 0; i < value.length(); i++) {
      if (out.length() >= MAX_LENGTH) {
        out.append("...");
        break;
      }
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u0085' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
