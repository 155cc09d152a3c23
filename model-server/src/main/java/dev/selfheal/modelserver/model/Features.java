package dev.selfheal.modelserver.model;

import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;

/**
 * The model's features, computed from a {@link Transaction}: the one definition that training
 * ({@link FeatureEncoder}, through Tribuo) and serving ({@link LinearFraudModel}) share. Nothing
 * here touches Tribuo, so serving loads none of its classes.
 *
 * <p>Features are scaled by fixed constants (not statistics fitted on the data) so that the
 * definition has no state of its own and the same code serves every artifact:
 *
 * <ul>
 *   <li>{@code amount_log}: {@code (ln(1 + amount) - 4) / 2}, the amount in the caller's {@link
 *       AmountUnit}
 *   <li>{@code hour_sin}, {@code hour_cos}: hour of day on the unit circle, so 23:00 is close to
 *       00:00
 *   <li>{@code hour_night}: 1 from 00:00 to 05:59
 *   <li>{@code distance_log}: {@code (ln(1 + km) - 2) / 2}
 *   <li>{@code velocity_log}: {@code ln(1 + transactions_last_24h) - 1}
 *   <li>{@code card_present}: 1 or 0
 *   <li>{@code merchant_<category>}: one-hot merchant category
 * </ul>
 *
 * <p>{@link StrictMath} keeps the values bit-identical across JVMs and CPUs, so retraining is
 * reproducible.
 */
public final class Features {

  /** Label name of the positive class. */
  public static final String FRAUD = "fraud";

  /** Label name of the negative class. */
  public static final String LEGITIMATE = "legitimate";

  /** Version of the feature definitions, recorded in artifact metadata. */
  public static final String VERSION = "features-1";

  private static final int FIXED_FEATURES = 7;
  private static final String[] NAMES = build();

  private Features() {}

  /** Feature names in encoding order (a copy). */
  public static String[] names() {
    return NAMES.clone();
  }

  private static String[] build() {
    MerchantCategory[] categories = MerchantCategory.values();
    String[] names = new String[FIXED_FEATURES + categories.length];
    names[0] = "amount_log";
    names[1] = "hour_sin";
    names[2] = "hour_cos";
    names[3] = "hour_night";
    names[4] = "distance_log";
    names[5] = "velocity_log";
    names[6] = "card_present";
    for (MerchantCategory category : categories) {
      names[FIXED_FEATURES + category.ordinal()] = "merchant_" + category.jsonName();
    }
    return names;
  }

  /** Feature values in the order of {@link #names()}, with the amount taken in {@code unit}. */
  public static double[] encode(Transaction transaction, AmountUnit unit) {
    double[] values = new double[NAMES.length];
    double amount = unit.fromDollars(transaction.amount());
    double angle = 2 * StrictMath.PI * transaction.hour() / 24.0;
    values[0] = (StrictMath.log1p(amount) - 4) / 2;
    values[1] = StrictMath.sin(angle);
    values[2] = StrictMath.cos(angle);
    values[3] = transaction.hour() < 6 ? 1 : 0;
    values[4] = (StrictMath.log1p(transaction.distanceFromHomeKm()) - 2) / 2;
    values[5] = StrictMath.log1p(transaction.transactionsLast24h()) - 1;
    values[6] = transaction.cardPresent() ? 1 : 0;
    values[FIXED_FEATURES + transaction.merchantCategory().ordinal()] = 1;
    return values;
  }
}
