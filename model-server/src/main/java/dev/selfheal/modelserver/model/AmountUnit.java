package dev.selfheal.modelserver.model;

import java.util.Locale;

/**
 * The unit in which a pipeline hands the transaction amount to the {@link FeatureEncoder}.
 *
 * <p>Serving always passes {@link #DOLLARS} (the {@code POST /predict} contract). A training
 * pipeline records the unit it used in the artifact metadata ({@code training.amount_unit}), which
 * is how the v2 training/serving skew is documented.
 */
public enum AmountUnit {
  /** US dollars, as in the API. */
  DOLLARS(1),
  /** US cents, as some upstream exports store money (integer minor units). */
  CENTS(100);

  private final double perDollar;

  AmountUnit(double perDollar) {
    this.perDollar = perDollar;
  }

  /** Converts an amount in dollars to this unit. */
  public double fromDollars(double dollars) {
    return dollars * perDollar;
  }

  /** The metadata spelling, e.g. {@code "cents"}. */
  public String metadataName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the metadata spelling.
   *
   * @throws IllegalArgumentException for an unknown unit
   */
  public static AmountUnit fromMetadata(String value) {
    for (AmountUnit unit : values()) {
      if (unit.metadataName().equals(value)) {
        return unit;
      }
    }
    throw new IllegalArgumentException("unknown amount unit '" + value + "' (dollars or cents)");
  }
}
