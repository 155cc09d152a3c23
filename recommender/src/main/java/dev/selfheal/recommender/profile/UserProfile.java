package dev.selfheal.recommender.profile;

import java.util.List;

/**
 * What the user-profile API returns.
 *
 * @param user user id
 * @param history item ids the user interacted with, most recent first ({@code item-<n>})
 */
public record UserProfile(String user, List<String> history) {

  /** Copies the history defensively; null becomes empty. */
  public UserProfile {
    history = history == null ? List.of() : List.copyOf(history);
  }
}
