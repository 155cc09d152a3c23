package dev.selfheal.recommender.ranking;

import dev.selfheal.recommender.embeddings.EmbeddingSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Pure ranking over an {@link EmbeddingSet}: a user vector is the normalised mean of the vectors of
 * the items in the user's history, and the answer is the {@code k} items with the highest dot
 * product (cosine, since rows are unit length), excluding what the user already has. No I/O, no
 * state; trivially testable.
 */
public final class Ranker {

  private Ranker() {}

  /** The user vector, or empty when no history item is known to the set (a cold user). */
  public static Optional<float[]> userVector(EmbeddingSet set, Collection<Integer> history) {
    float[] sum = new float[set.dimension()];
    int known = 0;
    for (int id : history) {
      OptionalInt row = set.rowOf(id);
      if (row.isPresent()) {
        set.addRowTo(row.getAsInt(), sum);
        known++;
      }
    }
    if (known == 0) {
      return Optional.empty();
    }
    double norm = 0;
    for (float v : sum) {
      norm += (double) v * v;
    }
    if (norm == 0) {
      return Optional.empty();
    }
    float inverse = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < sum.length; i++) {
      sum[i] *= inverse;
    }
    return Optional.of(sum);
  }

  /** The {@code k} nearest items to {@code query}, best first, skipping {@code exclude}. */
  public static List<ScoredItem> nearest(
      EmbeddingSet set, float[] query, int k, Collection<Integer> exclude) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, got " + k);
    }
    if (query.length != set.dimension()) {
      throw new IllegalArgumentException(
          "query has dimension " + query.length + ", embeddings have " + set.dimension());
    }
    Set<Integer> skip = new HashSet<>(exclude);
    // Min-heap of the best k so far: O(n log k) and no full sort of n scores.
    PriorityQueue<Candidate> heap =
        new PriorityQueue<>(k + 1, Comparator.comparingDouble(Candidate::score));
    for (int row = 0; row < set.size(); row++) {
      if (skip.contains(set.idAt(row))) {
        continue;
      }
      float score = set.dot(row, query);
      if (heap.size() < k) {
        heap.add(new Candidate(row, score));
      } else if (score > heap.peek().score()) {
        heap.poll();
        heap.add(new Candidate(row, score));
      }
    }
    ScoredItem[] result = new ScoredItem[heap.size()];
    for (int i = result.length - 1; i >= 0; i--) {
      Candidate best = heap.poll();
      result[i] = new ScoredItem(ScoredItem.publicId(set.idAt(best.row())), best.score());
    }
    return List.of(result);
  }

  private record Candidate(int row, float score) {}

  /** The {@code k} most popular items, skipping {@code exclude}. */
  public static List<ScoredItem> popular(EmbeddingSet set, int k, Collection<Integer> exclude) {
    Set<Integer> skip = new HashSet<>(exclude);
    List<ScoredItem> result = new ArrayList<>(k);
    for (int i = 0; i < set.popularCount() && result.size() < k; i++) {
      int id = set.popularIdAt(i);
      if (!skip.contains(id)) {
        result.add(new ScoredItem(ScoredItem.publicId(id), set.popularScoreAt(i)));
      }
    }
    return result;
  }
}
