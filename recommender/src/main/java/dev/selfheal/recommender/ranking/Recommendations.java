package dev.selfheal.recommender.ranking;

import java.util.List;

/**
 * A recommendation answer, as serialised to clients. It lives beside {@link ScoredItem}, below both
 * the service that makes it and the cache that keeps it, so neither package depends on the other's
 * value types (lab-tests' PackageCyclesTest).
 *
 * @param user user id
 * @param k requested number of items
 * @param items the items, best first
 * @param source {@code personalised} (embedding similarity) or {@code popular}
 * @param degraded true when the personalised answer was wanted but the profile API could not be
 *     used
 * @param reason why the answer is not personalised ({@code circuit_open}, {@code profile_timeout},
 *     {@code profile_error}, {@code no_history}), null when it is
 * @param cached true when served from the in-memory cache
 */
public record Recommendations(
    String user,
    int k,
    List<ScoredItem> items,
    String source,
    boolean degraded,
    String reason,
    boolean cached) {

  /** Personalised source label. */
  public static final String PERSONALISED = "personalised";

  /** Popular source label. */
  public static final String POPULAR = "popular";

  /** Copies the item list. */
  public Recommendations {
    items = List.copyOf(items);
  }

  /** The same answer marked as served from the cache. */
  public Recommendations asCached() {
    return new Recommendations(user, k, items, source, degraded, reason, true);
  }
}
