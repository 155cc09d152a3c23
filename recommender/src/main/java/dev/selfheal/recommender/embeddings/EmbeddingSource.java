package dev.selfheal.recommender.embeddings;

/**
 * Where the start-up load reads embeddings from: Redis in production, a generated set in handler
 * tests.
 */
@FunctionalInterface
public interface EmbeddingSource {

  /**
   * Loads the whole set.
   *
   * @param progress told after each batch how many items have been read out of how many expected
   * @return the loaded set
   * @throws EmbeddingsUnavailableException when the store cannot be read or holds too few
   *     embeddings; the caller retries with back-off
   * @throws InterruptedException when the start-up is abandoned (shutdown)
   */
  EmbeddingSet load(LoadProgress progress)
      throws EmbeddingsUnavailableException, InterruptedException;

  /** Receives load progress. */
  @FunctionalInterface
  interface LoadProgress {
    /**
     * @param loaded items read so far
     * @param expected items announced by the store's metadata
     */
    void update(int loaded, int expected);
  }
}
