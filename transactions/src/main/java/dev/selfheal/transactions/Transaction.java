package dev.selfheal.transactions;

/**
 * One card transaction as the model sees it, in serving units.
 *
 * <p>JSON field names (snake_case) and accepted ranges are part of the {@code POST /predict}
 * interface:
 *
 * <ul>
 *   <li>{@code amount}: US dollars, {@code 0 < amount <= 1_000_000}
 *   <li>{@code hour}: hour of day, integer {@code 0..23}
 *   <li>{@code distance_from_home_km}: {@code 0 <= d <= 20_000}
 *   <li>{@code transactions_last_24h}: integer {@code 0..1000}
 *   <li>{@code merchant_category}: one of {@link MerchantCategory}, lower case
 *   <li>{@code card_present}: boolean
 * </ul>
 *
 * <p>The compact constructor enforces the ranges and throws {@link InvalidTransactionException}
 * naming the field.
 */
public record Transaction(
    double amount,
    int hour,
    double distanceFromHomeKm,
    int transactionsLast24h,
    MerchantCategory merchantCategory,
    boolean cardPresent) {

  /** Upper bound for {@code amount}, in dollars. */
  public static final double MAX_AMOUNT = 1_000_000;

  /** Upper bound for {@code distance_from_home_km}. */
  public static final double MAX_DISTANCE_KM = 20_000;

  /** Upper bound for {@code transactions_last_24h}. */
  public static final int MAX_TRANSACTIONS_24H = 1000;

  /** Validates every field; the exception names the JSON field at fault. */
  public Transaction {
    if (!(amount > 0 && amount <= MAX_AMOUNT)) {
      throw new InvalidTransactionException("amount", "must be > 0 and <= " + (long) MAX_AMOUNT);
    }
    if (hour < 0 || hour > 23) {
      throw new InvalidTransactionException("hour", "must be an integer from 0 to 23");
    }
    if (!(distanceFromHomeKm >= 0 && distanceFromHomeKm <= MAX_DISTANCE_KM)) {
      throw new InvalidTransactionException(
          "distance_from_home_km", "must be >= 0 and <= " + (long) MAX_DISTANCE_KM);
    }
    if (transactionsLast24h < 0 || transactionsLast24h > MAX_TRANSACTIONS_24H) {
      throw new InvalidTransactionException(
          "transactions_last_24h", "must be an integer from 0 to " + MAX_TRANSACTIONS_24H);
    }
    if (merchantCategory == null) {
      throw new InvalidTransactionException("merchant_category", "is required");
    }
  }
}
