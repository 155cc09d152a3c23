package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.oip.ModelSignature.Datatype;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import dev.selfheal.runtime.http.BodyTypes;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.transactions.InvalidTransactionException;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of an Open Inference Protocol infer request into an {@link InferRequest}, as real
 * clients send them: JSON with or without {@code Content-Type}, the binary tensor data extension
 * ({@code Inference-Header-Content-Length}), gzip or deflate bodies. Validation is strict and every
 * refusal is an {@link HttpError} naming the tensor at fault. No HTTP types appear here.
 */
public final class InferRequestDecoder {
  /** Content types a client may declare; absent means JSON (or binary with the header length). */
  private static final Set<String> ACCEPTED_TYPES =
      Set.of(
          "application/json",
          "application/octet-stream",
          "application/vnd.sagemaker-triton.binary+json");

  /**
   * The same rule for the HTTP layer, which checks it before reading the body: these types, or none
   * (the official clients send none).
   */
  public static final BodyTypes BODY_TYPES = new BodyTypes(ACCEPTED_TYPES, true);

  private final ObjectMapper json;
  private final ModelSignature signature;

  /** Creates a decoder for {@code signature}, parsing JSON with {@code json}. */
  public InferRequestDecoder(ObjectMapper json, ModelSignature signature) {
    this.json = json;
    this.signature = signature;
  }

  /**
   * Fails with 415 unless {@code contentType} is absent, JSON or one of the binary forms. Cheap, so
   * handlers may call it before queueing the request.
   */
  public static void checkContentType(String contentType) {
    String media = mediaType(contentType);
    if (!media.isEmpty() && !ACCEPTED_TYPES.contains(media)) {
      throw HttpError.unsupportedMedia(
          "Content-Type",
          "Content-Type must be application/json (or absent), or application/octet-stream with"
              + " Inference-Header-Content-Length for binary tensors; got '"
              + contentType
              + "'");
    }
  }

  /**
   * Decodes one request.
   *
   * @param body the body as received
   * @param contentType the {@code Content-Type} header, or null
   * @param contentEncoding the {@code Content-Encoding} header, or null
   * @param headerLength the {@code Inference-Header-Content-Length} header, or null
   * @param maxBytes largest body accepted once decompressed
   * @throws HttpError for anything the protocol or the model does not allow
   */
  public InferRequest decode(
      byte[] body, String contentType, String contentEncoding, String headerLength, int maxBytes) {
    checkContentType(contentType);
    byte[] bytes = BodyDecoding.decode(body, contentEncoding, maxBytes);
    int jsonLength = jsonLength(bytes.length, mediaType(contentType), headerLength);
    JsonNode root;
    try {
      root = json.readTree(bytes, 0, jsonLength);
    } catch (JsonProcessingException e) {
      throw HttpError.badRequest(null, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw HttpError.badRequest(null, "malformed JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw HttpError.badRequest(null, "the request must be a JSON object");
    }
    String id = id(root);
    ByteBuffer binary =
        ByteBuffer.wrap(bytes, jsonLength, bytes.length - jsonLength)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Object[]> columns = inputs(root, binary);
    if (binary.hasRemaining()) {
      throw HttpError.badRequest(
          null,
          binary.remaining()
              + " bytes of binary data after the last input's binary_data_size; sizes and body"
              + " disagree");
    }
    List<InferRequest.RequestedOutput> outputs = outputs(root);
    return new InferRequest(id, rows(columns), outputs);
  }

  private static String mediaType(String contentType) {
    return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static int jsonLength(int bodyLength, String media, String headerLength) {
    if (headerLength == null || headerLength.isBlank()) {
      if (media.equals("application/octet-stream")) {
        throw HttpError.badRequest(
            null, "a binary body needs Inference-Header-Content-Length (the JSON header's size)");
      }
      return bodyLength;
    }
    int length;
    try {
      length = Integer.parseInt(headerLength.trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(
          null, "Inference-Header-Content-Length must be an integer, got '" + headerLength + "'");
    }
    if (length < 1 || length > bodyLength) {
      throw HttpError.badRequest(
          null,
          "Inference-Header-Content-Length "
              + length
              + " does not fit a body of "
              + bodyLength
              + " bytes");
    }
    return length;
  }

  private static String id(JsonNode root) {
    JsonNode id = root.get("id");
    if (id == null || id.isNull()) {
      return null;
    }
    if (!id.isTextual()) {
      throw HttpError.badRequest(null, "id must be a string");
    }
    return id.textValue();
  }

  private Map<String, Object[]> inputs(JsonNode root, ByteBuffer binary) {
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw HttpError.badRequest(null, "inputs must be a non-empty array of tensors");
    }
    Map<String, Object[]> columns = new LinkedHashMap<>();
    for (JsonNode tensor : inputs) {
      if (!tensor.isObject()) {
        throw HttpError.badRequest(null, "each input must be a JSON object");
      }
      JsonNode nameNode = tensor.get("name");
      if (nameNode == null || !nameNode.isTextual()) {
        throw HttpError.badRequest(null, "each input needs a string name");
      }
      String name = nameNode.textValue();
      TensorSpec spec =
          signature
              .input(name)
              .orElseThrow(
                  () ->
                      HttpError.badRequest(
                          name,
                          "unknown input '"
                              + name
                              + "'; the model takes "
                              + signature.inputs().stream().map(TensorSpec::name).toList()));
      if (columns.containsKey(name)) {
        throw HttpError.badRequest(name, "input '" + name + "' appears more than once");
      }
      columns.put(name, tensor(spec, tensor, binary));
    }
    int rows = -1;
    for (TensorSpec spec : signature.inputs()) {
      Object[] column = columns.get(spec.name());
      if (column == null) {
        throw HttpError.badRequest(spec.name(), "required input '" + spec.name() + "' is missing");
      }
      if (rows >= 0 && column.length != rows) {
        throw HttpError.badRequest(
            spec.name(),
            "input '" + spec.name() + "' has " + column.length + " rows, the others " + rows);
      }
      rows = column.length;
    }
    if (rows == 0) {
      throw HttpError.badRequest(null, "the input tensors hold no rows");
    }
    return columns;
  }

  private Object[] tensor(TensorSpec spec, JsonNode tensor, ByteBuffer binary) {
    String name = spec.name();
    JsonNode datatype = tensor.get("datatype");
    if (datatype == null || !datatype.isTextual()) {
      throw HttpError.badRequest(name, "input '" + name + "' needs a datatype");
    }
    if (!datatype.textValue().equals(spec.datatype().name())) {
      throw HttpError.badRequest(
          name,
          "input '"
              + name
              + "' has datatype "
              + datatype.textValue()
              + ", the model expects "
              + spec.datatype());
    }
    int elements = elements(name, tensor.get("shape"));
    JsonNode data = tensor.get("data");
    JsonNode size = tensor.path("parameters").get("binary_data_size");
    if (data != null && size != null) {
      throw HttpError.badRequest(
          name, "input '" + name + "' has both data and parameters.binary_data_size");
    }
    if (size != null) {
      return fromBinary(spec, elements, size, binary);
    }
    if (data == null) {
      throw HttpError.badRequest(
          name, "input '" + name + "' needs data or parameters.binary_data_size");
    }
    return fromJson(spec, elements, data);
  }

  /** Element count of a shape: {@code [n]}, or {@code [n, 1]} (one feature per row). */
  private static int elements(String name, JsonNode shape) {
    if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > 2) {
      throw HttpError.badRequest(
          name, "input '" + name + "' needs shape [rows] or [rows, 1], got " + shape);
    }
    for (JsonNode dim : shape) {
      if (!dim.canConvertToInt() || !dim.isIntegralNumber() || dim.intValue() < 0) {
        throw HttpError.badRequest(name, "input '" + name + "' has an invalid shape " + shape);
      }
    }
    if (shape.size() == 2 && shape.get(1).intValue() != 1) {
      throw HttpError.badRequest(
          name, "input '" + name + "' has shape " + shape + "; the model takes one value per row");
    }
    return shape.get(0).intValue();
  }

  private static Object[] fromJson(TensorSpec spec, int elements, JsonNode data) {
    String name = spec.name();
    if (!data.isArray()) {
      throw HttpError.badRequest(name, "input '" + name + "' data must be an array");
    }
    // Not sized by the shape: the shape is the client's claim, the data is what arrived.
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat, 0, name);
    if (flat.size() != elements) {
      throw HttpError.badRequest(
          name,
          "input '" + name + "' holds " + flat.size() + " elements but its shape says " + elements);
    }
    Object[] values = new Object[elements];
    for (int i = 0; i < elements; i++) {
      values[i] = jsonElement(spec, flat.get(i), i);
    }
    return values;
  }

  private static void flatten(JsonNode node, List<JsonNode> out, int depth, String name) {
    // Row-major nesting is allowed ([[a], [b]] for shape [2, 1]); it cannot be deeper than the
    // shape.
    if (depth > 2) {
      throw HttpError.badRequest(name, "input '" + name + "' data is nested too deeply");
    }
    for (JsonNode element : node) {
      if (element.isArray()) {
        flatten(element, out, depth + 1, name);
      } else {
        out.add(element);
      }
    }
  }

  private static Object jsonElement(TensorSpec spec, JsonNode value, int index) {
    String name = spec.name();
    switch (spec.datatype()) {
      case FP64 -> {
        if (value.isNumber() && Double.isFinite(value.doubleValue())) {
          return value.doubleValue();
        }
      }
      case INT32 -> {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          return value.intValue();
        }
      }
      case BOOL -> {
        if (value.isBoolean()) {
          return value.booleanValue();
        }
      }
      case BYTES -> {
        if (value.isTextual()) {
          return value.textValue();
        }
      }
    }
    throw HttpError.badRequest(
        name,
        "input '"
            + name
            + "' element "
            + index
            + " ("
            + value
            + ") is not a valid "
            + spec.datatype()
            + " value");
  }

  private static Object[] fromBinary(
      TensorSpec spec, int elements, JsonNode sizeNode, ByteBuffer binary) {
    String name = spec.name();
    if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToInt() || sizeNode.intValue() < 0) {
      throw HttpError.badRequest(
          name, "input '" + name + "' has an invalid parameters.binary_data_size " + sizeNode);
    }
    int size = sizeNode.intValue();
    if (size > binary.remaining()) {
      throw HttpError.badRequest(
          name,
          "input '"
              + name
              + "' declares "
              + size
              + " bytes of binary data but only "
              + binary.remaining()
              + " are left in the body");
    }
    ByteBuffer slice = binary.slice(binary.position(), size).order(ByteOrder.LITTLE_ENDIAN);
    binary.position(binary.position() + size);
    Datatype type = spec.datatype();
    // In long: a huge shape must not overflow into a match, nor size an array before the check.
    if (type != Datatype.BYTES && size != (long) elements * type.size()) {
      throw HttpError.badRequest(
          name,
          "input '"
              + name
              + "' has "
              + size
              + " bytes of binary data; shape and "
              + type
              + " need "
              + (long) elements * type.size());
    }
    if (type == Datatype.BYTES && (long) elements * 4 > size) {
      throw HttpError.badRequest(
          name,
          "input '"
              + name
              + "' has "
              + size
              + " bytes of binary data, too few for "
              + elements
              + " BYTES elements");
    }
    Object[] values = new Object[elements];
    for (int i = 0; i < elements; i++) {
      values[i] =
          switch (type) {
            case FP64 -> finite(name, i, slice.getDouble());
            case INT32 -> slice.getInt();
            case BOOL -> bool(name, i, slice.get());
            case BYTES -> string(name, i, slice);
          };
    }
    if (slice.hasRemaining()) {
      throw HttpError.badRequest(
          name,
          "input '"
              + name
              + "' has "
              + slice.remaining()
              + " bytes left after its "
              + elements
              + " elements");
    }
    return values;
  }

  private static double finite(String name, int index, double value) {
    if (!Double.isFinite(value)) {
      throw HttpError.badRequest(
          name, "input '" + name + "' element " + index + " is not a finite number");
    }
    return value;
  }

  private static boolean bool(String name, int index, byte value) {
    if (value != 0 && value != 1) {
      throw HttpError.badRequest(
          name, "input '" + name + "' element " + index + " is not a BOOL byte (0 or 1)");
    }
    return value == 1;
  }

  private static String string(String name, int index, ByteBuffer slice) {
    if (slice.remaining() < 4) {
      throw HttpError.badRequest(
          name, "input '" + name + "' ends before the length of element " + index);
    }
    int length = slice.getInt();
    if (length < 0 || length > slice.remaining()) {
      throw HttpError.badRequest(
          name,
          "input '" + name + "' element " + index + " declares " + length + " bytes; too many");
    }
    ByteBuffer text = slice.slice(slice.position(), length);
    slice.position(slice.position() + length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(text)
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpError.badRequest(
          name, "input '" + name + "' element " + index + " is not valid UTF-8");
    }
  }

  private List<InferRequest.RequestedOutput> outputs(JsonNode root) {
    boolean binaryDefault = flag(root.path("parameters"), "binary_data_output", null);
    JsonNode requested = root.get("outputs");
    List<InferRequest.RequestedOutput> result = new ArrayList<>();
    if (requested == null || requested.isNull()) {
      for (TensorSpec spec : signature.outputs()) {
        result.add(new InferRequest.RequestedOutput(spec.name(), binaryDefault));
      }
      return result;
    }
    if (!requested.isArray() || requested.isEmpty()) {
      throw HttpError.badRequest(null, "outputs must be a non-empty array when present");
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode output : requested) {
      JsonNode nameNode = output.get("name");
      if (nameNode == null || !nameNode.isTextual()) {
        throw HttpError.badRequest(null, "each requested output needs a string name");
      }
      String name = nameNode.textValue();
      if (signature.output(name).isEmpty()) {
        throw HttpError.badRequest(
            name,
            "unknown output '"
                + name
                + "'; the model returns "
                + signature.outputs().stream().map(TensorSpec::name).toList());
      }
      if (!seen.add(name)) {
        throw HttpError.badRequest(name, "output '" + name + "' is requested more than once");
      }
      boolean binary = flag(output.path("parameters"), "binary_data", binaryDefault);
      result.add(new InferRequest.RequestedOutput(name, binary));
    }
    return result;
  }

  private static boolean flag(JsonNode parameters, String key, Boolean fallback) {
    JsonNode value = parameters.get(key);
    if (value == null || value.isNull()) {
      return fallback != null && fallback;
    }
    if (!value.isBoolean()) {
      throw HttpError.badRequest(null, "parameters." + key + " must be true or false");
    }
    return value.booleanValue();
  }

  private static List<Transaction> rows(Map<String, Object[]> columns) {
    int rows = columns.get("amount").length;
    List<Transaction> result = new ArrayList<>(rows);
    Map<String, Object> row = new HashMap<>();
    for (int i = 0; i < rows; i++) {
      for (Map.Entry<String, Object[]> column : columns.entrySet()) {
        row.put(column.getKey(), column.getValue()[i]);
      }
      try {
        result.add(
            new Transaction(
                (Double) row.get("amount"),
                (Integer) row.get("hour"),
                (Double) row.get("distance_from_home_km"),
                (Integer) row.get("transactions_last_24h"),
                MerchantCategory.fromJson((String) row.get("merchant_category")),
                (Boolean) row.get("card_present")));
      } catch (InvalidTransactionException e) {
        throw HttpError.badRequest(
            e.field(), "input '" + e.field() + "' row " + i + ": " + e.getMessage());
      }
    }
    return result;
  }
}
