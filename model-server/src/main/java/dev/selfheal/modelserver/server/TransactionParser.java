package dev.selfheal.modelserver.server;

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
 */
public final class TransactionParser {
  private final ObjectMapper json;

  /** Creates a parser using the server's configured mapper. */
  public TransactionParser(ObjectMapper json) {
    this.json = json;
  }

  /** Parses a request body holding one transaction object. */
  public Transaction parse(byte[] body) throws IOException {
    return fromNode(json.readTree(body));
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
