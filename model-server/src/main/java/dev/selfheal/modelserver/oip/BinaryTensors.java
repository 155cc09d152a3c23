package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.oip.ModelSignature.Datatype;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one input tensor in the binary tensor data extension: {@code parameters.binary_data_size}
 * little-endian bytes taken, in input order, from the bytes after the JSON header.
 */
final class BinaryTensors {
  private BinaryTensors() {}

  /**
   * The elements of the input's slice of {@code binary}, which advances past it.
   *
   * @param spec the input
   * @param elements element count its shape declares
   * @param sizeNode its {@code parameters.binary_data_size}
   * @param binary the body after the JSON header, positioned at this input's bytes
   * @throws dev.selfheal.runtime.http.HttpError 400 naming the input
   */
  static Object[] read(TensorSpec spec, int elements, JsonNode sizeNode, ByteBuffer binary) {
    String name = spec.name();
    ByteBuffer slice = take(name, sizeNode, binary);
    checkSize(spec, elements, slice.remaining());
    Object[] values = new Object[elements];
    for (int i = 0; i < elements; i++) {
      values[i] =
          switch (spec.datatype()) {
            case FP64 -> finite(name, i, slice.getDouble());
            case INT32 -> slice.getInt();
            case BOOL -> bool(name, i, slice.get());
            case BYTES -> string(name, i, slice);
          };
    }
    if (slice.hasRemaining()) {
      throw InputError.of(
          name, "has " + slice.remaining() + " bytes left after its " + elements + " elements");
    }
    return values;
  }

  /** The next {@code binary_data_size} bytes of {@code binary}, which advances past them. */
  private static ByteBuffer take(String name, JsonNode sizeNode, ByteBuffer binary) {
    if (!sizeNode.isIntegralNumber() || !sizeNode.canConvertToInt() || sizeNode.intValue() < 0) {
      throw InputError.of(name, "has an invalid parameters.binary_data_size " + sizeNode);
    }
    int size = sizeNode.intValue();
    if (size > binary.remaining()) {
      throw InputError.of(
          name,
          "declares "
              + size
              + " bytes of binary data but only "
              + binary.remaining()
              + " are left in the body");
    }
    ByteBuffer slice = binary.slice(binary.position(), size).order(ByteOrder.LITTLE_ENDIAN);
    binary.position(binary.position() + size);
    return slice;
  }

  private static void checkSize(TensorSpec spec, int elements, int size) {
    Datatype type = spec.datatype();
    // In long: a huge shape must not overflow into a match, nor size an array before the check.
    long needed = (long) elements * type.size();
    if (type != Datatype.BYTES && size != needed) {
      throw InputError.of(
          spec.name(),
          "has " + size + " bytes of binary data; shape and " + type + " need " + needed);
    }
    if (type == Datatype.BYTES && (long) elements * 4 > size) {
      throw InputError.of(
          spec.name(),
          "has " + size + " bytes of binary data, too few for " + elements + " BYTES elements");
    }
  }

  private static double finite(String name, int index, double value) {
    if (!Double.isFinite(value)) {
      throw InputError.of(name, "element " + index + " is not a finite number");
    }
    return value;
  }

  private static boolean bool(String name, int index, byte value) {
    if (value != 0 && value != 1) {
      throw InputError.of(name, "element " + index + " is not a BOOL byte (0 or 1)");
    }
    return value == 1;
  }

  private static String string(String name, int index, ByteBuffer slice) {
    if (slice.remaining() < 4) {
      throw InputError.of(name, "ends before the length of element " + index);
    }
    int length = slice.getInt();
    if (length < 0 || length > slice.remaining()) {
      throw InputError.of(name, "element " + index + " declares " + length + " bytes; too many");
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
      throw InputError.of(name, "element " + index + " is not valid UTF-8");
    }
  }
}
