package dev.selfheal.recommender.profile;

/**
 * The profile API does not know the user (404). A healthy answer, so the breaker ignores it; the
 * user is served as a cold user.
 */
public class UnknownUserException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * @param user the user id
   */
  public UnknownUserException(String user) {
    super("unknown user " + user);
  }
}
