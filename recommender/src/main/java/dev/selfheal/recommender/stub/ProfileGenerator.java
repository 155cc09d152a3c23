package dev.selfheal.recommender.stub;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.profile.UserProfile;
import dev.selfheal.recommender.ranking.ScoredItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Deterministic fake profiles: a user's history is drawn from one item cluster (see {@link
 * EmbeddingGenerator}), so personalised answers are visibly related to the history. Users whose id
 * starts with {@code cold-} are unknown.
 */
public final class ProfileGenerator {

  private final int itemCount;
  private final int historySize;
  private final long seed;

  /**
   * @param itemCount size of the item space (as loaded into Redis)
   * @param historySize items per history
   * @param seed any value
   */
  public ProfileGenerator(int itemCount, int historySize, long seed) {
    if (itemCount < EmbeddingGenerator.CLUSTERS) {
      throw new IllegalArgumentException(
          "PROFILE_ITEM_COUNT must be at least "
              + EmbeddingGenerator.CLUSTERS
              + ", got "
              + itemCount);
    }
    this.itemCount = itemCount;
    this.historySize = historySize;
    this.seed = seed;
  }

  /** The cluster a user's history comes from. */
  public int clusterOf(String user) {
    return new SplittableRandom(seed ^ user.hashCode()).nextInt(EmbeddingGenerator.CLUSTERS);
  }

  /** The profile, or empty for unknown users. */
  public Optional<UserProfile> profile(String user) {
    if (user.startsWith("cold-")) {
      return Optional.empty();
    }
    SplittableRandom random = new SplittableRandom(seed ^ user.hashCode());
    int cluster = random.nextInt(EmbeddingGenerator.CLUSTERS);
    int perCluster = itemCount / EmbeddingGenerator.CLUSTERS;
    List<String> history = new ArrayList<>(historySize);
    for (int i = 0; i < historySize; i++) {
      history.add(
          ScoredItem.publicId(cluster + EmbeddingGenerator.CLUSTERS * random.nextInt(perCluster)));
    }
    return Optional.of(new UserProfile(user, history));
  }
}
