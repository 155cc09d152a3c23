package dev.selfheal.recommender.profile;

/**
 * Result of a guarded profile lookup.
 *
 * @param status what happened
 * @param profile the profile when {@code status == FOUND}, else null
 * @param reason why the profile is unavailable ({@code circuit_open}, {@code profile_timeout},
 *     {@code profile_error}), else null
 */
public record ProfileOutcome(Status status, UserProfile profile, String reason) {

  /** Lookup result kinds. */
  public enum Status {
    /** The API answered with a profile. */
    FOUND,
    /** The API answered that it does not know the user. */
    UNKNOWN_USER,
    /** No answer: breaker open, timeout or error. Recommendations degrade. */
    UNAVAILABLE
  }

  static ProfileOutcome found(UserProfile profile) {
    return new ProfileOutcome(Status.FOUND, profile, null);
  }

  static ProfileOutcome unknown() {
    return new ProfileOutcome(Status.UNKNOWN_USER, null, null);
  }

  static ProfileOutcome unavailable(String reason) {
    return new ProfileOutcome(Status.UNAVAILABLE, null, reason);
  }
}
