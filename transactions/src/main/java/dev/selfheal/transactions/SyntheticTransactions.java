package dev.selfheal.transactions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates a deterministic synthetic card-transaction data set with a realistic fraud signal.
 *
 * <p>Each row first draws its true class (fraud with probability {@value #FRAUD_RATE}), then draws
 * the fields from class-specific distributions that overlap, as real ones do:
 *
 * <ul>
 *   <li>legitimate spending is mostly small (log-normal around a per-category median), in the
 *       daytime, close to home, with few transactions in the last day and the card usually present;
 *   <li>fraud leans to online and electronics merchants, larger amounts, night hours, far from
 *       home, bursts of transactions, and card-not-present.
 * </ul>
 *
 * <p>Finally {@value #LABEL_NOISE} of the labels are flipped (mis-reported chargebacks, late fraud
 * reports), so no model can be perfect. {@link java.util.Random} and {@link StrictMath} make the
 * output identical on every JVM for a given seed.
 */
public final class SyntheticTransactions {

  /** The seed of the shipped data set and training runs. */
  public static final long DEFAULT_SEED = 20_251_125L;

  /** Rows used for training. */
  public static final int DEFAULT_TRAIN_SIZE = 5000;

  /** Rows held out as the golden set. */
  public static final int DEFAULT_GOLDEN_SIZE = 1000;

  /** Probability that a row is truly fraud, before label noise. */
  public static final double FRAUD_RATE = 0.25;

  /** Probability that a row's recorded label is flipped. */
  public static final double LABEL_NOISE = 0.03;

  /** Name and version of this generator, recorded in artifact metadata. */
  public static final String GENERATOR = "synthetic-card-transactions-1";

  private static final MerchantCategory[] CATEGORIES = MerchantCategory.values();
  // Category mixes in MerchantCategory order: grocery, restaurant, fuel, travel, electronics,
  // online.
  private static final double[] LEGITIMATE_MIX = {0.30, 0.25, 0.14, 0.05, 0.07, 0.19};
  private static final double[] FRAUD_MIX = {0.05, 0.05, 0.08, 0.14, 0.30, 0.38};
  // Median legitimate amount in dollars per category.
  private static final double[] LEGITIMATE_MEDIAN = {45, 32, 48, 320, 180, 55};

  private SyntheticTransactions() {}

  /** A train/golden split of one generated data set. */
  public record Split(List<LabeledTransaction> train, List<LabeledTransaction> golden) {

    /** Copies the lists. */
    public Split {
      train = List.copyOf(train);
      golden = List.copyOf(golden);
    }
  }

  /**
   * The shipped data set: {@link #DEFAULT_SEED}, {@link #DEFAULT_TRAIN_SIZE} + {@link
   * #DEFAULT_GOLDEN_SIZE} rows.
   */
  public static Split defaultSplit() {
    return split(DEFAULT_SEED, DEFAULT_TRAIN_SIZE, DEFAULT_GOLDEN_SIZE);
  }

  /**
   * Generates {@code train + golden} rows and splits them; rows are i.i.d., so the first ones
   * train.
   */
  public static Split split(long seed, int train, int golden) {
    List<LabeledTransaction> rows = generate(seed, train + golden);
    return new Split(rows.subList(0, train), rows.subList(train, train + golden));
  }

  /** Generates {@code count} labelled rows from {@code seed}. */
  public static List<LabeledTransaction> generate(long seed, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0 but was " + count);
    }
    Random random = new Random(seed);
    List<LabeledTransaction> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      rows.add(row(random));
    }
    return rows;
  }

  private static LabeledTransaction row(Random random) {
    boolean fraud = random.nextDouble() < FRAUD_RATE;
    MerchantCategory category = pick(random, fraud ? FRAUD_MIX : LEGITIMATE_MIX);
    double amount =
        fraud
            ? logNormal(random, 600, 0.7)
            : logNormal(random, LEGITIMATE_MEDIAN[category.ordinal()], 0.75);
    int hour;
    if (fraud) {
      hour = random.nextDouble() < 0.35 ? random.nextInt(6) : random.nextInt(24);
    } else {
      hour = Math.floorMod((int) StrictMath.round(14 + 4 * random.nextGaussian()), 24);
    }
    double distance;
    if (fraud) {
      distance = logNormal(random, 60, 1.4);
    } else {
      distance = logNormal(random, category == MerchantCategory.TRAVEL ? 400 : 6, 1.0);
    }
    int recent = poisson(random, fraud ? 4 : 1.5);
    boolean cardPresent =
        category != MerchantCategory.ONLINE && random.nextDouble() < (fraud ? 0.45 : 0.85);
    boolean label = random.nextDouble() < LABEL_NOISE ? !fraud : fraud;
    Transaction transaction =
        new Transaction(
            roundTo(clamp(amount, 0.5, 50_000), 100),
            hour,
            roundTo(clamp(distance, 0, Transaction.MAX_DISTANCE_KM), 10),
            Math.min(recent, Transaction.MAX_TRANSACTIONS_24H),
            category,
            cardPresent);
    return new LabeledTransaction(transaction, label);
  }

  private static MerchantCategory pick(Random random, double[] mix) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < mix.length - 1; i++) {
      cumulative += mix[i];
      if (u < cumulative) {
        return CATEGORIES[i];
      }
    }
    return CATEGORIES[mix.length - 1];
  }

  private static double logNormal(Random random, double median, double sigma) {
    return median * StrictMath.exp(sigma * random.nextGaussian());
  }

  // Knuth's method; fine for the small means used here.
  private static int poisson(Random random, double mean) {
    double limit = StrictMath.exp(-mean);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      count++;
      product *= random.nextDouble();
    }
    return count;
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  private static double roundTo(double value, int perUnit) {
    return StrictMath.round(value * perUnit) / (double) perUnit;
  }
}
