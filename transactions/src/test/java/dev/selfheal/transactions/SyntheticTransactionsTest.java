package dev.selfheal.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class SyntheticTransactionsTest {

  @Test
  void sameSeedGivesTheSameRows() {
    assertThat(SyntheticTransactions.generate(7, 500))
        .isEqualTo(SyntheticTransactions.generate(7, 500));
  }

  @Test
  void differentSeedGivesDifferentRows() {
    assertThat(SyntheticTransactions.generate(7, 50))
        .isNotEqualTo(SyntheticTransactions.generate(8, 50));
  }

  @Test
  void defaultSplitKeepsTheGoldenSetOutOfTraining() {
    SyntheticTransactions.Split split = SyntheticTransactions.defaultSplit();

    assertThat(split.train()).hasSize(SyntheticTransactions.DEFAULT_TRAIN_SIZE);
    assertThat(split.golden()).hasSize(SyntheticTransactions.DEFAULT_GOLDEN_SIZE);
    assertThat(split.train()).doesNotContainAnyElementsOf(split.golden());
  }

  @Test
  void fraudPrevalenceAndLabelNoiseAreAsDocumented() {
    List<LabeledTransaction> rows = SyntheticTransactions.generate(20_251_125L, 6000);

    double fraudRate = share(rows, LabeledTransaction::fraud);
    // 25 % true fraud, 3 % of labels flipped: 0.25 * 0.97 + 0.75 * 0.03 = 0.265.
    assertThat(fraudRate).isBetween(0.24, 0.29);
  }

  @Test
  void fraudLooksDifferentFromLegitimateSpending() {
    List<LabeledTransaction> rows = SyntheticTransactions.generate(1, 6000);
    List<LabeledTransaction> fraud = rows.stream().filter(LabeledTransaction::fraud).toList();
    List<LabeledTransaction> legit = rows.stream().filter(r -> !r.fraud()).toList();

    assertThat(median(fraud)).isGreaterThan(4 * median(legit));
    assertThat(share(fraud, r -> r.transaction().hour() < 6))
        .isGreaterThan(2 * share(legit, r -> r.transaction().hour() < 6));
    assertThat(share(fraud, r -> r.transaction().cardPresent()))
        .isLessThan(share(legit, r -> r.transaction().cardPresent()));
    assertThat(share(legit, r -> r.transaction().merchantCategory() == MerchantCategory.ONLINE))
        .isGreaterThan(0)
        .isLessThan(
            share(fraud, r -> r.transaction().merchantCategory() == MerchantCategory.ONLINE));
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.transaction().amount()).isBetween(0.5, 50_000.0);
              if (r.transaction().merchantCategory() == MerchantCategory.ONLINE) {
                assertThat(r.transaction().cardPresent()).isFalse();
              }
            });
  }

  @Test
  void rejectsNegativeCount() {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> SyntheticTransactions.generate(1, -1))
        .withMessage("count must be >= 0 but was -1");
  }

  private static double share(List<LabeledTransaction> rows, Predicate<LabeledTransaction> test) {
    return rows.stream().filter(test).count() / (double) rows.size();
  }

  private static double median(List<LabeledTransaction> rows) {
    double[] amounts = rows.stream().mapToDouble(r -> r.transaction().amount()).sorted().toArray();
    return amounts[amounts.length / 2];
  }
}
