package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import dev.selfheal.runtime.http.HttpError;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a request's {@code inputs} array against a {@link ModelSignature}: every input the model
 * takes, once, each with the declared datatype and a shape of {@code [rows]} or {@code [rows, 1]},
 * all with the same row count; the elements come from {@link JsonTensors} or {@link BinaryTensors}.
 */
final class InputTensors {
  private final ModelSignature signature;

  InputTensors(ModelSignature signature) {
    this.signature = signature;
  }

  /**
   * One column of values per input, keyed by input name.
   *
   * @param root the request's JSON header
   * @param binary the bytes after the header (empty for a JSON-only request); advances past the
   *     inputs' binary data
   * @throws HttpError 400, naming the input when one is at fault
   */
  Map<String, Object[]> columns(JsonNode root, ByteBuffer binary) {
    JsonNode inputs = root.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw HttpError.badRequest(null, "inputs must be a non-empty array of tensors");
    }
    Map<String, Object[]> columns = new LinkedHashMap<>();
    for (JsonNode tensor : inputs) {
      TensorSpec spec = spec(tensor);
      if (columns.containsKey(spec.name())) {
        throw InputError.of(spec.name(), "appears more than once");
      }
      columns.put(spec.name(), tensor(spec, tensor, binary));
    }
    checkRows(columns);
    return columns;
  }

  /** The signature's spec for the tensor's name. */
  private TensorSpec spec(JsonNode tensor) {
    if (!tensor.isObject()) {
      throw HttpError.badRequest(null, "each input must be a JSON object");
    }
    JsonNode nameNode = tensor.get("name");
    if (nameNode == null || !nameNode.isTextual()) {
      throw HttpError.badRequest(null, "each input needs a string name");
    }
    String name = nameNode.textValue();
    return signature
        .input(name)
        .orElseThrow(
            () ->
                HttpError.badRequest(
                    name,
                    "unknown input '"
                        + name
                        + "'; the model takes "
                        + signature.inputs().stream().map(TensorSpec::name).toList()));
  }

  /** Every input present, all with the same number of rows, and at least one row. */
  private void checkRows(Map<String, Object[]> columns) {
    int rows = -1;
    for (TensorSpec spec : signature.inputs()) {
      Object[] column = columns.get(spec.name());
      if (column == null) {
        throw HttpError.badRequest(spec.name(), "required input '" + spec.name() + "' is missing");
      }
      if (rows >= 0 && column.length != rows) {
        throw InputError.of(spec.name(), "has " + column.length + " rows, the others " + rows);
      }
      rows = column.length;
    }
    if (rows == 0) {
      throw HttpError.badRequest(null, "the input tensors hold no rows");
    }
  }

  private static Object[] tensor(TensorSpec spec, JsonNode tensor, ByteBuffer binary) {
    String name = spec.name();
    JsonNode datatype = tensor.get("datatype");
    if (datatype == null || !datatype.isTextual()) {
      throw InputError.of(name, "needs a datatype");
    }
    if (!datatype.textValue().equals(spec.datatype().name())) {
      throw InputError.of(
          name, "has datatype " + datatype.textValue() + ", the model expects " + spec.datatype());
    }
    int elements = elements(name, tensor.get("shape"));
    JsonNode data = tensor.get("data");
    JsonNode size = tensor.path("parameters").get("binary_data_size");
    if (data != null && size != null) {
      throw InputError.of(name, "has both data and parameters.binary_data_size");
    }
    if (size != null) {
      return BinaryTensors.read(spec, elements, size, binary);
    }
    if (data == null) {
      throw InputError.of(name, "needs data or parameters.binary_data_size");
    }
    return JsonTensors.read(spec, elements, data);
  }

  /** Element count of a shape: {@code [n]}, or {@code [n, 1]} (one feature per row). */
  private static int elements(String name, JsonNode shape) {
    if (shape == null || !shape.isArray() || shape.isEmpty() || shape.size() > 2) {
      throw InputError.of(name, "needs shape [rows] or [rows, 1], got " + shape);
    }
    for (JsonNode dim : shape) {
      if (!dim.canConvertToInt() || !dim.isIntegralNumber() || dim.intValue() < 0) {
        throw InputError.of(name, "has an invalid shape " + shape);
      }
    }
    if (shape.size() == 2 && shape.get(1).intValue() != 1) {
      throw InputError.of(name, "has shape " + shape + "; the model takes one value per row");
    }
    return shape.get(0).intValue();
  }
}
