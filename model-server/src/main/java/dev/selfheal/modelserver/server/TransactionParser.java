package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.transactions.InvalidTransactionException;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.IOException;

/**
 * Turns a JSON object into a {@link Transaction}. Type errors are caught here, ranges by the record
 * itself; either way the exception names the JSON field.
 *
 * <p>A body reads in one pass with the streaming parser when it is the plain case (an object with
 * every field present and of its usual JSON type, unknown fields skipped); anything else (bad JSON,
 * a duplicate key, trailing tokens, a null, a wrong type, a number of an unusual form) is read
 * again through the tree and {@link #fromNode}, which decides as it always did. Both ways run the
 * same parser with the same limits, so a body that the streaming pass takes gives the same
 * transaction either way, and every refusal has the tree's message.
 */
public final class TransactionParser {
  private final ObjectMapper json;

  /** Creates a parser using the server's configured mapper. */
  public TransactionParser(ObjectMapper json) {
    this.json = json;
  }

  /** Parses a request body holding one transaction object. */
  public Transaction parse(byte[] body) throws IOException {
    Fields fields = stream(body);
    if (fields != null) {
      return fields.transaction();
    }
    return fromNode(json.readTree(body));
  }

  /**
   * The fields of a plain body read in one streaming pass, or null when the body is anything but
   * the plain case (then the tree decides).
   */
  Fields stream(byte[] body) {
    try (JsonParser parser = json.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Fields fields = new Fields();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        if (!fields.read(parser.currentName(), parser)) {
          return null;
        }
      }
      if (token != JsonToken.END_OBJECT || parser.nextToken() != null || !fields.complete()) {
        return null;
      }
      return fields;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The six fields as the streaming pass found them. */
  static final class Fields {
    private double amount;
    private int hour;
    private double distance;
    private int transactions;
    private String category;
    private boolean cardPresent;
    private int seen;

    /** Reads the value of {@code name}; false when it is not of the plain form. */
    private boolean read(String name, JsonParser parser) throws IOException {
      JsonToken value = parser.nextToken();
      switch (name) {
        case "amount" -> {
          amount = number(parser, value);
          return mark(1) && Double.isFinite(amount);
        }
        case "hour" -> {
          return value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() == JsonParser.NumberType.INT
              && setHour(parser.getIntValue())
              && mark(2);
        }
        case "distance_from_home_km" -> {
          distance = number(parser, value);
          return mark(4) && Double.isFinite(distance);
        }
        case "transactions_last_24h" -> {
          return value == JsonToken.VALUE_NUMBER_INT
              && parser.getNumberType() == JsonParser.NumberType.INT
              && setTransactions(parser.getIntValue())
              && mark(8);
        }
        case "merchant_category" -> {
          category = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          return category != null && mark(16);
        }
        case "card_present" -> {
          cardPresent = value == JsonToken.VALUE_TRUE;
          return (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) && mark(32);
        }
        default -> {
          // Ignored, as the tree ignores it; skipping still checks its syntax and limits.
          parser.skipChildren();
          return true;
        }
      }
    }

    /** A JSON number as the tree's node would give it, or NaN when it is not of the plain form. */
    private static double number(JsonParser parser, JsonToken value) throws IOException {
      if (value == JsonToken.VALUE_NUMBER_FLOAT
          && parser.getNumberType() == JsonParser.NumberType.DOUBLE) {
        return parser.getDoubleValue();
      }
      if (value == JsonToken.VALUE_NUMBER_INT
          && parser.getNumberType() == JsonParser.NumberType.INT) {
        return parser.getIntValue();
      }
      return Double.NaN;
    }

    private boolean setHour(int value) {
      hour = value;
      return true;
    }

    private boolean setTransactions(int value) {
      transactions = value;
      return true;
    }

    private boolean mark(int bit) {
      seen |= bit;
      return true;
    }

    private boolean complete() {
      return seen == 63;
    }

    /** The transaction, checked in the order {@link #fromNode} checks it. */
    Transaction transaction() {
      MerchantCategory merchant = MerchantCategory.fromJson(category);
      return new Transaction(amount, hour, distance, transactions, merchant, cardPresent);
    }
  }

  /** Maps an already-parsed JSON object. */
  public Transaction fromNode(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest(null, "body must be a JSON object");
    }
    return new Transaction(
        number(node, "amount"),
        integer(node, "hour"),
        number(node, "distance_from_home_km"),
        integer(node, "transactions_last_24h"),
        MerchantCategory.fromJson(text(node, "merchant_category")),
        bool(node, "card_present"));
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new InvalidTransactionException(field, "is required");
    }
    return value;
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isNumber()) {
      throw new InvalidTransactionException(field, "must be a number");
    }
    double parsed = value.doubleValue();
    if (!Double.isFinite(parsed)) {
      throw new InvalidTransactionException(field, "must be a finite number");
    }
    return parsed;
  }

  private static int integer(JsonNode node, String field) {
    JsonNode value = required(node, field);
    double asDouble = value.doubleValue();
    boolean whole =
        value.isIntegralNumber()
            || (value.isNumber() && Double.isFinite(asDouble) && asDouble == Math.rint(asDouble));
    if (!whole) {
      throw new InvalidTransactionException(field, "must be an integer");
    }
    if (value.canConvertToInt()) {
      return value.intValue();
    }
    // Far out of int range: clamp so the record's range check names the field and the range.
    return asDouble > 0 ? Integer.MAX_VALUE : Integer.MIN_VALUE;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isTextual()) {
      throw new InvalidTransactionException(field, "must be a string");
    }
    return value.textValue();
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isBoolean()) {
      throw new InvalidTransactionException(field, "must be true or false");
    }
    return value.booleanValue();
  }
}
