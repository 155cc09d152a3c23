package dev.selfheal.transactions;

import java.util.Locale;

/** Merchant categories the model knows; JSON uses the lower-case name. */
public enum MerchantCategory {
  GROCERY,
  RESTAURANT,
  FUEL,
  TRAVEL,
  ELECTRONICS,
  ONLINE;

  /** The JSON spelling, e.g. {@code "online"}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the JSON spelling.
   *
   * @throws InvalidTransactionException naming {@code merchant_category} for an unknown value
   */
  public static MerchantCategory fromJson(String value) {
    for (MerchantCategory category : values()) {
      if (category.jsonName().equals(value)) {
        return category;
      }
    }
    throw new InvalidTransactionException(
        "merchant_category",
        "must be one of grocery, restaurant, fuel, travel, electronics, online");
  }
}
