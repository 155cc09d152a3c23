package dev.selfheal.traffic.run;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.SyntheticTransactions;
import java.util.Iterator;
import java.util.List;

/**
 * An endless, reproducible stream of labelled transactions from the model server's own synthetic
 * data generator, so traffic follows the distribution the models were trained for: the same fraud
 * rate, the same feature ranges, the same label noise. Not thread-safe: one caller (the pacing
 * thread) draws from it.
 */
public final class TransactionSource implements Iterator<LabeledTransaction> {

  /** Rows generated at once; each batch has its own seed derived from the stream's seed. */
  static final int BATCH = 500;

  private final long seed;
  private long batchIndex;
  private List<LabeledTransaction> batch = List.of();
  private int position;

  /**
   * Creates the stream for {@code seed}. The shipped training and golden data use {@link
   * SyntheticTransactions#DEFAULT_SEED}; pick another seed to send transactions the model has not
   * seen.
   */
  public TransactionSource(long seed) {
    this.seed = seed;
  }

  @Override
  public boolean hasNext() {
    return true;
  }

  @Override
  public LabeledTransaction next() {
    if (position == batch.size()) {
      // Mix the batch index into the seed so consecutive batches are unrelated draws.
      batch = SyntheticTransactions.generate(seed * 1_000_003L + batchIndex, BATCH);
      batchIndex++;
      position = 0;
    }
    return batch.get(position++);
  }
}
