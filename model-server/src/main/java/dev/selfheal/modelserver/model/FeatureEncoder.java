package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.Transaction;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * The {@link Features} as Tribuo examples, for training and for the reference {@link
 * TribuoFraudModel}.
 */
public final class FeatureEncoder {

  /** Label name of the positive class. */
  public static final String FRAUD = Features.FRAUD;

  /** Label name of the negative class. */
  public static final String LEGITIMATE = Features.LEGITIMATE;

  /** Version of the feature definitions, recorded in artifact metadata. */
  public static final String VERSION = Features.VERSION;

  private static final Label FRAUD_LABEL = new Label(FRAUD);
  private static final Label LEGITIMATE_LABEL = new Label(LEGITIMATE);

  private static final String[] NAMES = Features.names();

  private FeatureEncoder() {}

  /** Feature names in encoding order (a copy). */
  public static String[] featureNames() {
    return Features.names();
  }

  /**
   * Feature values in the order of {@link #featureNames()}, with the amount in {@code amountUnit}.
   */
  public static double[] encode(Transaction transaction, AmountUnit amountUnit) {
    return Features.encode(transaction, amountUnit);
  }

  /** A Tribuo example for serving: amount in dollars, unknown label. */
  public static Example<Label> servingExample(Transaction transaction) {
    return new ArrayExample<>(
        LabelFactory.UNKNOWN_LABEL, NAMES, encode(transaction, AmountUnit.DOLLARS));
  }

  /** A labelled Tribuo example for training, with the amount in the training pipeline's unit. */
  public static Example<Label> trainingExample(LabeledTransaction row, AmountUnit amountUnit) {
    return new ArrayExample<>(label(row.fraud()), NAMES, encode(row.transaction(), amountUnit));
  }

  /** The Tribuo label for an outcome. */
  public static Label label(boolean fraud) {
    return fraud ? FRAUD_LABEL : LEGITIMATE_LABEL;
  }
}
