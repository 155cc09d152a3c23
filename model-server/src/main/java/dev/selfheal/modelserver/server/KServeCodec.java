package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.modelserver.model.InvalidTransactionException;
import dev.selfheal.modelserver.model.Transaction;
import dev.selfheal.runtime.http.HttpError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Open Inference Protocol v2 tensors to transactions: one input tensor per feature (named as
 * the {@code /predict} JSON fields), row {@code i} of every tensor forms transaction {@code i}.
 * Each row goes through the same {@link TransactionParser} checks as {@code /predict}.
 */
final class KServeCodec {
  /** Feature tensors, their OIP datatypes, in the order {@code GET /v2/models/...} lists them. */
  static final Map<String, String> INPUTS =
      orderedMap(
          "amount", "FP64",
          "hour", "INT32",
          "distance_from_home_km", "FP64",
          "transactions_last_24h", "INT32",
          "merchant_category", "BYTES",
          "card_present", "BOOL");

  private final ObjectMapper json;
  private final TransactionParser parser;

  KServeCodec(ObjectMapper json, TransactionParser parser) {
    this.json = json;
    this.parser = parser;
  }

  /** Parses an infer request body into one transaction per row. */
  List<Transaction> transactions(JsonNode request) {
    if (request == null || !request.isObject() || !request.path("inputs").isArray()) {
      throw HttpError.badRequest("inputs", "inputs must be an array of tensors");
    }
    Map<String, JsonNode> tensors = new HashMap<>();
    for (JsonNode tensor : request.get("inputs")) {
      String name = tensor.path("name").asText("");
      if (!INPUTS.containsKey(name)) {
        throw HttpError.badRequest("inputs", "unknown input tensor '" + name + "'");
      }
      tensors.put(name, flatten(name, tensor.get("data")));
    }
    int rows = -1;
    for (String name : INPUTS.keySet()) {
      JsonNode data = tensors.get(name);
      if (data == null) {
        throw HttpError.badRequest(name, "input tensor " + name + " is missing");
      }
      if (rows >= 0 && data.size() != rows) {
        throw HttpError.badRequest(
            name, "input tensor " + name + " has " + data.size() + " rows, expected " + rows);
      }
      rows = data.size();
    }
    if (rows == 0) {
      throw HttpError.badRequest("inputs", "tensors hold no rows");
    }
    List<Transaction> result = new ArrayList<>(rows);
    for (int row = 0; row < rows; row++) {
      ObjectNode object = json.createObjectNode();
      for (String name : INPUTS.keySet()) {
        object.set(name, tensors.get(name).get(row));
      }
      try {
        result.add(parser.fromNode(object));
      } catch (InvalidTransactionException e) {
        throw HttpError.badRequest(e.field(), e.getMessage() + " (row " + row + ")");
      }
    }
    return result;
  }

  private JsonNode flatten(String name, JsonNode data) {
    if (data == null || !data.isArray()) {
      throw HttpError.badRequest(name, "input tensor " + name + " needs a data array");
    }
    // OIP allows row-major nested data; [[a],[b]] and [a,b] mean the same for a [n,1] tensor.
    var flat = json.createArrayNode();
    for (JsonNode element : data) {
      if (element.isArray()) {
        element.forEach(flat::add);
      } else {
        flat.add(element);
      }
    }
    return flat;
  }

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
