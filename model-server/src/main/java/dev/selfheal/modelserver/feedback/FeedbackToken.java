package dev.selfheal.modelserver.feedback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token {@code POST /feedback} requires ({@code FEEDBACK_TOKEN}); {@link #NONE} when
 * unset. {@link #toString()} never shows the value, so config logs stay safe.
 *
 * @param value the token, empty for none
 */
public record FeedbackToken(String value) {
  /** No token: {@code /feedback} refuses every label (403). */
  public static final FeedbackToken NONE = new FeedbackToken("");

  /** Rejects null. */
  public FeedbackToken {
    value = value == null ? "" : value;
  }

  /** True when a token is configured. */
  public boolean required() {
    return !value.isEmpty();
  }

  /** Constant-time comparison with {@code candidate}. */
  public boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return required() ? "FeedbackToken[set]" : "FeedbackToken[none]";
  }
}
