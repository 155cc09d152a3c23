package dev.selfheal.modelserver.oip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.modelserver.oip.ModelSignature.TensorSpec;
import dev.selfheal.runtime.http.HttpError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of an Open Inference Protocol infer request into an {@link InferRequest}, as real
 * clients send them: JSON with or without {@code Content-Type}, the binary tensor data extension
 * ({@code Inference-Header-Content-Length}), gzip or deflate bodies. This class does the framing
 * (encoding, header length, JSON header, id and requested outputs); {@link InputTensors} reads the
 * input tensors ({@link JsonTensors}, {@link BinaryTensors}) and {@link TransactionRows} maps them
 * to rows. Headers arrive as plain strings; the one HTTP type used is {@link HttpError}, the
 * services' single 4xx type, which every refusal is (naming the tensor or header at fault), so the
 * error mapper needs no rule of its own for the protocol.
 */
public final class InferRequestDecoder {
  /**
   * Content types a client may declare; absent means JSON (or binary with the header length). The
   * HTTP layer checks the same set before reading the body.
   */
  public static final Set<String> MEDIA_TYPES =
      Set.of(
          "application/json",
          "application/octet-stream",
          "application/vnd.sagemaker-triton.binary+json");

  private final ObjectMapper json;
  private final ModelSignature signature;
  private final InputTensors inputs;

  /** Creates a decoder for {@code signature}, parsing JSON with {@code json}. */
  public InferRequestDecoder(ObjectMapper json, ModelSignature signature) {
    this.json = json;
    this.signature = signature;
    this.inputs = new InputTensors(signature);
  }

  /**
   * Fails with 415 unless {@code contentType} is absent, JSON or one of the binary forms. Cheap, so
   * handlers may call it before queueing the request.
   */
  public static void checkContentType(String contentType) {
    String media = mediaType(contentType);
    if (!media.isEmpty() && !MEDIA_TYPES.contains(media)) {
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
    Map<String, Object[]> columns = inputs.columns(root, binary);
    if (binary.hasRemaining()) {
      throw HttpError.badRequest(
          null,
          binary.remaining()
              + " bytes of binary data after the last input's binary_data_size; sizes and body"
              + " disagree");
    }
    List<InferRequest.RequestedOutput> outputs = outputs(root);
    return new InferRequest(id, TransactionRows.of(columns), outputs);
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
}
