package dev.selfheal.recommender.ranking;

import java.util.OptionalInt;

/**
 * One recommended item.
 *
 * @param id public item id, {@code item-<n>}
 * @param score cosine similarity for personalised answers, popularity for non-personalised ones
 */
public record ScoredItem(String id, double score) {

  /** The public id of a numeric item id. */
  public static String publicId(int id) {
    return "item-" + id;
  }

  /** Parses {@code item-<n>} (or a bare number); empty when the text is not an item id. */
  public static OptionalInt parseId(String text) {
    String digits = text.startsWith("item-") ? text.substring(5) : text;
    try {
      return OptionalInt.of(Integer.parseInt(digits));
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
