package dev.selfheal.modelserver.testing;

import java.util.List;
import java.util.Map;

/**
 * The transaction of {@link TestServer#VALID_BODY} field by field, for tests that build bodies one
 * field at a time or check what the server says its inputs are.
 */
public final class ValidTransaction {
  /** The request's fields, in the order of the model's inputs. */
  public static final List<String> FIELDS =
      List.of(
          "amount",
          "hour",
          "distance_from_home_km",
          "transactions_last_24h",
          "merchant_category",
          "card_present");

  /** Each field with its value in {@link TestServer#VALID_BODY}, as JSON. */
  public static final Map<String, String> JSON_VALUES =
      Map.of(
          "amount", "125.5",
          "hour", "14",
          "distance_from_home_km", "3.2",
          "transactions_last_24h", "2",
          "merchant_category", "\"grocery\"",
          "card_present", "true");

  private ValidTransaction() {}
}
