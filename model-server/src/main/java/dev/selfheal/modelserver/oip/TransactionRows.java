package dev.selfheal.modelserver.oip;

import dev.selfheal.transactions.InvalidTransactionException;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the columns of {@link ModelSignature#FRAUD_DETECTOR}'s inputs into one {@link Transaction}
 * per row: element {@code i} of each input belongs to row {@code i}.
 */
final class TransactionRows {
  private TransactionRows() {}

  /**
   * One transaction per row.
   *
   * @param columns values per input name, all of the same length and of the signature's types
   * @throws dev.selfheal.runtime.http.HttpError 400 naming the input and row a transaction refuses
   */
  static List<Transaction> of(Map<String, Object[]> columns) {
    int rows = columns.get("amount").length;
    List<Transaction> result = new ArrayList<>(rows);
    Map<String, Object> row = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      for (Map.Entry<String, Object[]> column : columns.entrySet()) {
        row.put(column.getKey(), column.getValue()[i]);
      }
      try {
        result.add(transaction(row));
      } catch (InvalidTransactionException e) {
        throw InputError.of(e.field(), "row " + i + ": " + e.getMessage());
      }
    }
    return result;
  }

  private static Transaction transaction(Map<String, Object> row) {
    return new Transaction(
        (Double) row.get("amount"),
        (Integer) row.get("hour"),
        (Double) row.get("distance_from_home_km"),
        (Integer) row.get("transactions_last_24h"),
        MerchantCategory.fromJson((String) row.get("merchant_category")),
        (Boolean) row.get("card_present"));
  }
}
