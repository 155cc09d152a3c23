package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The KServe Open Inference Protocol v2 messages this server writes (snake_case on the wire). */
final class OipMessages {
  private OipMessages() {}

  /**
   * An OIP tensor (metadata when {@code data} is null).
   *
   * @param name tensor name
   * @param datatype OIP datatype
   * @param shape dimensions, -1 for variable
   * @param data row-major values, omitted in metadata
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Tensor(String name, String datatype, List<Long> shape, List<?> data) {}

  /**
   * OIP model metadata.
   *
   * @param name model name
   * @param versions available versions
   * @param platform serving platform
   * @param inputs input tensors
   * @param outputs output tensors
   */
  record ModelMetadata(
      String name,
      List<String> versions,
      String platform,
      List<Tensor> inputs,
      List<Tensor> outputs) {}

  /**
   * OIP infer response.
   *
   * @param modelName model name
   * @param modelVersion model version
   * @param id request id (echoed or generated)
   * @param outputs output tensors
   */
  record InferResponse(String modelName, String modelVersion, String id, List<Tensor> outputs) {}
}
