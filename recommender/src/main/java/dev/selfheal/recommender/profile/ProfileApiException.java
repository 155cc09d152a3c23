package dev.selfheal.recommender.profile;

import java.io.IOException;

/**
 * The profile API answered, but with an error status or an unreadable body; counts as a breaker
 * failure.
 */
public class ProfileApiException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong
   */
  public ProfileApiException(String message) {
    super(message);
  }
}
