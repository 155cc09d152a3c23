package dev.selfheal.recommender.service;

import dev.selfheal.recommender.cache.RecommendationCache;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.recommender.profile.ProfileOutcome;
import dev.selfheal.recommender.ranking.Ranker;
import dev.selfheal.recommender.ranking.Recommendations;
import dev.selfheal.recommender.ranking.ScoredItem;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a recommendation request: cache, then profile lookup through the breaker, then ranking.
 * When the profile API cannot be used the answer falls back to popular items and says so ({@code
 * degraded: true}); degraded answers are not cached, so personalised answers return as soon as the
 * API does.
 */
public final class RecommendationService {

  private static final Logger LOG = LoggerFactory.getLogger(RecommendationService.class);

  private final Supplier<Optional<EmbeddingSet>> embeddings;
  private final ProfileLookup profiles;
  private final RecommendationCache cache;
  private final Counter answers;
  private final Counter degraded;

  /**
   * @param embeddings the loaded set, empty before start-up completed
   * @param profiles guarded profile lookups
   * @param cache bounded answer cache
   * @param registry where answer metrics go
   */
  public RecommendationService(
      Supplier<Optional<EmbeddingSet>> embeddings,
      ProfileLookup profiles,
      RecommendationCache cache,
      PrometheusRegistry registry) {
    this.embeddings = embeddings;
    this.profiles = profiles;
    this.cache = cache;
    this.answers =
        Counter.builder()
            .name("recommender_recommendations_total")
            .help("Recommendation answers by source and whether they came from the cache")
            .labelNames("source", "cached")
            .register(registry);
    this.degraded =
        Counter.builder()
            .name("recommender_degraded_responses_total")
            .help("Answers that fell back to popular items because the profile API was unusable")
            .labelNames("reason")
            .register(registry);
  }

  /**
   * @param user validated user id
   * @param k validated number of items
   * @throws NotReadyException before the embeddings are loaded
   */
  public Recommendations recommend(String user, int k) {
    EmbeddingSet set =
        embeddings.get().orElseThrow(() -> new NotReadyException("embeddings are still loading"));
    RecommendationCache.Key key = new RecommendationCache.Key(user, k);
    Optional<Recommendations> hit = cache.get(key);
    if (hit.isPresent()) {
      answers.labelValues(hit.get().source(), "true").inc();
      return hit.get().asCached();
    }
    ProfileOutcome outcome = profiles.lookup(user);
    Recommendations answer;
    switch (outcome.status()) {
      case FOUND:
        answer = personalised(set, user, k, outcome.profile().history());
        break;
      case UNKNOWN_USER:
        answer = popular(set, user, k, List.of(), false, "no_history");
        break;
      default:
        degraded.labelValues(outcome.reason()).inc();
        LOG.debug("Degraded answer for a request: {}", outcome.reason());
        answer = popular(set, user, k, List.of(), true, outcome.reason());
        break;
    }
    if (!answer.degraded()) {
      cache.put(key, answer);
    }
    answers.labelValues(answer.source(), "false").inc();
    return answer;
  }

  private static Recommendations personalised(
      EmbeddingSet set, String user, int k, List<String> historyIds) {
    List<Integer> history = new ArrayList<>(historyIds.size());
    for (String text : historyIds) {
      OptionalInt id = ScoredItem.parseId(text);
      if (id.isPresent()) {
        history.add(id.getAsInt());
      }
    }
    Optional<float[]> vector = Ranker.userVector(set, history);
    if (vector.isEmpty()) {
      return popular(set, user, k, history, false, "no_history");
    }
    return new Recommendations(
        user,
        k,
        Ranker.nearest(set, vector.get(), k, history),
        Recommendations.PERSONALISED,
        false,
        null,
        false);
  }

  private static Recommendations popular(
      EmbeddingSet set,
      String user,
      int k,
      List<Integer> exclude,
      boolean degraded,
      String reason) {
    return new Recommendations(
        user, k, Ranker.popular(set, k, exclude), Recommendations.POPULAR, degraded, reason, false);
  }
}
