package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an infer response in the form the request asked for: all-JSON, or a JSON header followed
 * by the binary tensors (binary tensor data extension) with {@code Inference-Header-Content-Length}
 * and a {@code binary_data_size} on each binary output. Outputs appear in the order the request
 * named them. No HTTP types appear here: the handler writes the bytes and headers it returns.
 */
public final class InferResponseEncoder {
  /** Response header giving the JSON header's length when binary tensors follow it. */
  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private final ObjectMapper json;
  private final ModelSignature signature;

  /** Creates an encoder writing JSON with {@code json} for the outputs of {@code signature}. */
  public InferResponseEncoder(ObjectMapper json, ModelSignature signature) {
    this.json = json;
    this.signature = signature;
  }

  /**
   * Encodes the response.
   *
   * @param modelName model name
   * @param modelVersion model version
   * @param id the id to echo (null to omit)
   * @param values every output of the model by name, one element per row
   * @param request the outputs requested and their wire form
   */
  public Encoded encode(
      String modelName,
      String modelVersion,
      String id,
      Map<String, List<?>> values,
      List<InferRequest.RequestedOutput> request) {
    List<Tensor> tensors = new ArrayList<>(request.size());
    ByteArrayOutputStream binary = new ByteArrayOutputStream();
    for (InferRequest.RequestedOutput output : request) {
      TensorSpec spec =
          signature
              .output(output.name())
              .orElseThrow(
                  () -> new IllegalArgumentException("model has no output " + output.name()));
      List<?> data = values.get(output.name());
      if (data == null) {
        throw new IllegalArgumentException("no values for output " + output.name());
      }
      List<Long> shape = List.of((long) data.size());
      if (output.binary()) {
        byte[] bytes = binary(spec, data);
        binary.writeBytes(bytes);
        tensors.add(
            new Tensor(
                spec.name(),
                spec.datatype().name(),
                shape,
                Map.of("binary_data_size", bytes.length),
                null));
      } else {
        tensors.add(new Tensor(spec.name(), spec.datatype().name(), shape, null, data));
      }
    }
    byte[] header;
    try {
      header = json.writeValueAsBytes(new Response(modelName, modelVersion, id, tensors));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    if (binary.size() == 0 && request.stream().noneMatch(InferRequest.RequestedOutput::binary)) {
      return new Encoded(header, Map.of("Content-Type", "application/json"));
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(header.length + binary.size());
    body.writeBytes(header);
    body.writeBytes(binary.toByteArray());
    return new Encoded(
        body.toByteArray(),
        Map.of(
            "Content-Type",
            "application/octet-stream",
            HEADER_LENGTH,
            Integer.toString(header.length)));
  }

  /** The binary form of one tensor: little-endian numbers, BYTES as 4-byte length + UTF-8. */
  static byte[] binary(TensorSpec spec, List<?> data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    for (Object value : data) {
      word.clear();
      switch (spec.datatype()) {
        case FP64 -> out.write(word.putDouble(((Number) value).doubleValue()).array(), 0, 8);
        case INT32 -> out.write(word.putInt(((Number) value).intValue()).array(), 0, 4);
        case BOOL -> out.write(Boolean.TRUE.equals(value) ? 1 : 0);
        case BYTES -> {
          byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
          out.write(word.putInt(text.length).array(), 0, 4);
          out.writeBytes(text);
        }
      }
    }
    return out.toByteArray();
  }

  /**
   * An encoded response.
   *
   * @param body the bytes to send
   * @param headers response headers to set, {@code Content-Type} included
   */
  public record Encoded(byte[] body, Map<String, String> headers) {}

  /**
   * One output tensor (snake_case on the wire).
   *
   * @param name tensor name
   * @param datatype OIP datatype
   * @param shape dimensions
   * @param parameters {@code binary_data_size} for a binary tensor, else omitted
   * @param data the values for a JSON tensor, else omitted
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Tensor(
      String name,
      String datatype,
      List<Long> shape,
      Map<String, Object> parameters,
      List<?> data) {}

  /**
   * The JSON part of the response.
   *
   * @param modelName model name
   * @param modelVersion model version
   * @param id the request id, omitted when the request had none
   * @param outputs output tensors
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Response(String modelName, String modelVersion, String id, List<Tensor> outputs) {}
}
