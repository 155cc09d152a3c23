package dev.selfheal.modelserver.testing;

import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.ModelProvenance;
import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A controllable model double: predicts fraud for amounts above 500; its golden set has a chosen
 * number of wrong labels (so its accuracy is known); transactions with amount {@link #SLOW_AMOUNT}
 * block until {@link #release()}, and {@link #failing()} makes every prediction throw.
 */
public final class FakeModel implements FraudModel {
  /** Predictions of this amount wait for {@link #release()}. */
  public static final double SLOW_AMOUNT = 777.77;

  private final List<LabeledTransaction> golden;
  private final CountDownLatch gate = new CountDownLatch(1);
  private final AtomicBoolean failing = new AtomicBoolean();

  /** A golden set of {@code size} examples of which {@code wrong} carry the opposite label. */
  public FakeModel(int size, int wrong) {
    List<LabeledTransaction> examples = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Transaction transaction = transaction(10 + (i * 37 % 1000));
      boolean fraud = transaction.amount() > 500;
      examples.add(new LabeledTransaction(transaction, i < wrong ? !fraud : fraud));
    }
    this.golden = List.copyOf(examples);
  }

  /** A valid transaction with the given amount. */
  public static Transaction transaction(double amount) {
    return new Transaction(amount, 14, 3.2, 2, MerchantCategory.GROCERY, true);
  }

  /** Frees every blocked slow prediction. */
  public void release() {
    gate.countDown();
  }

  /** Makes predictions throw from now on. */
  public AtomicBoolean failing() {
    return failing;
  }

  @Override
  public Prediction predict(Transaction transaction) {
    if (failing.get()) {
      throw new IllegalStateException("fake model failure");
    }
    if (transaction.amount() == SLOW_AMOUNT) {
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("slow prediction never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return new Prediction(transaction.amount() > 500, 0.9);
  }

  @Override
  public ModelProvenance provenance() {
    return new ModelProvenance(
        "fraud-detector", "fake.tribuo", "fake", 1, "rule", golden.size(), 1.0, "00");
  }

  @Override
  public List<LabeledTransaction> goldenSet() {
    return golden;
  }
}
