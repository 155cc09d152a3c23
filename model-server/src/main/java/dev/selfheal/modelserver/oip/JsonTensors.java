package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/** Reads one input tensor's {@code data} array: the JSON form of the tensor's elements. */
final class JsonTensors {
  private JsonTensors() {}

  /**
   * The elements of {@code data}, checked against the spec's datatype and the shape's count.
   *
   * @throws dev.selfheal.runtime.http.HttpError 400 naming the input
   */
  static Object[] read(TensorSpec spec, int elements, JsonNode data) {
    String name = spec.name();
    if (!data.isArray()) {
      throw InputError.of(name, "data must be an array");
    }
    // Not sized by the shape: the shape is the client's claim, the data is what arrived.
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat, 0, name);
    if (flat.size() != elements) {
      throw InputError.of(
          name, "holds " + flat.size() + " elements but its shape says " + elements);
    }
    Object[] values = new Object[elements];
    for (int i = 0; i < elements; i++) {
      values[i] = element(spec, flat.get(i), i);
    }
    return values;
  }

  private static void flatten(JsonNode node, List<JsonNode> out, int depth, String name) {
    // Row-major nesting is allowed ([[a], [b]] for shape [2, 1]); it cannot be deeper than the
    // shape.
    if (depth > 2) {
      throw InputError.of(name, "data is nested too deeply");
    }
    for (JsonNode element : node) {
      if (element.isArray()) {
        flatten(element, out, depth + 1, name);
      } else {
        out.add(element);
      }
    }
  }

  private static Object element(TensorSpec spec, JsonNode value, int index) {
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
    throw InputError.of(
        spec.name(),
        "element " + index + " (" + value + ") is not a valid " + spec.datatype() + " value");
  }
}
