package dev.selfheal.recommender.profile;

import java.io.IOException;

/** Fetches a user's profile from the external API. */
@FunctionalInterface
public interface ProfileClient {

  /**
   * @param user validated user id
   * @return the profile
   * @throws UnknownUserException when the API does not know the user
   * @throws IOException on transport failure, timeout or an error status
   * @throws InterruptedException when the calling thread is interrupted
   */
  UserProfile fetch(String user) throws UnknownUserException, IOException, InterruptedException;
}
