package dev.selfheal.traffic.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.SyntheticTransactions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionSourceTest {

  private static List<LabeledTransaction> take(TransactionSource source, int count) {
    List<LabeledTransaction> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      assertThat(source.hasNext()).isTrue();
      rows.add(source.next());
    }
    return rows;
  }

  @Test
  void sameSeedSameStreamAcrossBatches() {
    int count = TransactionSource.BATCH * 2 + 10;

    assertThat(take(new TransactionSource(7), count))
        .isEqualTo(take(new TransactionSource(7), count));
  }

  @Test
  void batchesAreFreshDrawsNotRepeats() {
    List<LabeledTransaction> rows = take(new TransactionSource(7), TransactionSource.BATCH * 2);

    assertThat(rows.subList(0, TransactionSource.BATCH))
        .isNotEqualTo(rows.subList(TransactionSource.BATCH, rows.size()));
    assertThat(new HashSet<>(rows)).hasSizeGreaterThan(rows.size() * 9 / 10);
  }

  @Test
  void followsTheTrainingDistributionsFraudRate() {
    List<LabeledTransaction> rows = take(new TransactionSource(11), 4000);
    double fraudShare = rows.stream().filter(LabeledTransaction::fraud).count() / 4000.0;

    // Fraud rate plus symmetric label noise: 0.25 * 0.97 + 0.75 * 0.03 = 0.265.
    double expected =
        SyntheticTransactions.FRAUD_RATE * (1 - SyntheticTransactions.LABEL_NOISE)
            + (1 - SyntheticTransactions.FRAUD_RATE) * SyntheticTransactions.LABEL_NOISE;
    assertThat(fraudShare).isCloseTo(expected, within(0.03));
  }
}
