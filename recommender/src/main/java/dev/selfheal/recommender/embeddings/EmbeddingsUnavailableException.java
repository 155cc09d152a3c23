package dev.selfheal.recommender.embeddings;

/**
 * The embedding store could not deliver a usable set (unreachable, empty, or corrupt); worth
 * retrying.
 */
public class EmbeddingsUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, in operator terms
   * @param cause the underlying failure, may be null
   */
  public EmbeddingsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
