package dev.selfheal.traffic.client;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.selfheal.transactions.Transaction;

/** The JSON body of {@code POST /predict}, field names as the API spells them. */
public record PredictRequest(
    @JsonProperty("amount") double amount,
    @JsonProperty("hour") int hour,
    @JsonProperty("distance_from_home_km") double distanceFromHomeKm,
    @JsonProperty("transactions_last_24h") int transactionsLast24h,
    @JsonProperty("merchant_category") String merchantCategory,
    @JsonProperty("card_present") boolean cardPresent) {

  /** The request for one transaction. */
  public static PredictRequest of(Transaction transaction) {
    return new PredictRequest(
        transaction.amount(),
        transaction.hour(),
        transaction.distanceFromHomeKm(),
        transaction.transactionsLast24h(),
        transaction.merchantCategory().jsonName(),
        transaction.cardPresent());
  }
}
