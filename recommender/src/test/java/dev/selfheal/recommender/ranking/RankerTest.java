package dev.selfheal.recommender.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.offset;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankerTest {

  private final EmbeddingSet set = new EmbeddingGenerator(16, 42).generate(800, 100);

  @Test
  void nearestItemsComeFromTheHistorysCluster() {
    List<Integer> history = List.of(3, 19, 35); // cluster 3
    float[] user = Ranker.userVector(set, history).orElseThrow();
    List<ScoredItem> items = Ranker.nearest(set, user, 10, history);
    assertThat(items).hasSize(10);
    assertThat(items)
        .allSatisfy(
            item -> {
              int id = ScoredItem.parseId(item.id()).orElseThrow();
              assertThat(EmbeddingGenerator.clusterOf(id)).isEqualTo(3);
            });
    assertThat(items).isSortedAccordingTo(Comparator.comparingDouble(ScoredItem::score).reversed());
    assertThat(items).extracting(ScoredItem::id).doesNotContain("item-3", "item-19", "item-35");
  }

  @Test
  void nearestMatchesABruteForceRanking() {
    float[] user = Ranker.userVector(set, List.of(7)).orElseThrow();
    List<ScoredItem> top = Ranker.nearest(set, user, 5, List.of());
    // Item 7 itself is the best match for a one-item history when it is not excluded.
    assertThat(top.get(0).id()).isEqualTo("item-7");
    assertThat(top.get(0).score()).isCloseTo(1.0, offset(1e-4));
    double best = -2;
    int bestId = -1;
    for (int row = 0; row < set.size(); row++) {
      if (set.idAt(row) == 7) {
        continue;
      }
      double s = set.dot(row, user);
      if (s > best) {
        best = s;
        bestId = set.idAt(row);
      }
    }
    assertThat(top.get(1).id()).isEqualTo("item-" + bestId);
  }

  @Test
  void kLargerThanTheSetReturnsEverythingOnce() {
    EmbeddingSet small = new EmbeddingGenerator(4, 1).generate(20, 20);
    float[] user = Ranker.userVector(small, List.of(0)).orElseThrow();
    assertThat(Ranker.nearest(small, user, 50, List.of(0))).hasSize(19);
  }

  @Test
  void unknownHistoryGivesNoUserVector() {
    assertThat(Ranker.userVector(set, List.of(100_000, -5))).isEmpty();
    assertThat(Ranker.userVector(set, List.of())).isEmpty();
  }

  @Test
  void rejectsBadArguments() {
    float[] user = Ranker.userVector(set, List.of(1)).orElseThrow();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Ranker.nearest(set, user, 0, List.of()))
        .withMessage("k must be positive, got 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Ranker.nearest(set, new float[3], 1, List.of()))
        .withMessage("query has dimension 3, embeddings have 16");
  }

  @Test
  void popularFollowsPopularityAndSkipsExclusions() {
    List<ScoredItem> top = Ranker.popular(set, 5, List.of());
    assertThat(top).hasSize(5);
    assertThat(top.get(0).score()).isEqualTo(1.0);
    assertThat(top).isSortedAccordingTo(Comparator.comparingDouble(ScoredItem::score).reversed());
    int first = ScoredItem.parseId(top.get(0).id()).orElseThrow();
    assertThat(Ranker.popular(set, 5, List.of(first)))
        .extracting(ScoredItem::id)
        .doesNotContain(top.get(0).id());
  }

  @Test
  void parsesPublicIds() {
    assertThat(ScoredItem.parseId("item-12")).hasValue(12);
    assertThat(ScoredItem.parseId("12")).hasValue(12);
    assertThat(ScoredItem.parseId("item-x")).isEmpty();
  }
}
