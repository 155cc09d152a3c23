package dev.selfheal.modelserver.oip;

import java.util.List;

/**
 * The body of {@code GET /v2/models/{name}} (snake_case on the wire): every tensor with its
 * datatype and shape {@code [-1]} (one element per row, any number of rows).
 *
 * @param name model name
 * @param versions available versions
 * @param platform serving platform
 * @param inputs input tensors
 * @param outputs output tensors
 */
public record ModelMetadata(
    String name,
    List<String> versions,
    String platform,
    List<TensorMetadata> inputs,
    List<TensorMetadata> outputs) {

  /** The metadata of {@code signature} served as {@code name}, version {@code version}. */
  public static ModelMetadata of(
      ModelSignature signature, String name, String version, String platform) {
    return new ModelMetadata(
        name,
        List.of(version),
        platform,
        signature.inputs().stream().map(TensorMetadata::of).toList(),
        signature.outputs().stream().map(TensorMetadata::of).toList());
  }

  /**
   * One tensor's metadata.
   *
   * @param name tensor name
   * @param datatype OIP datatype
   * @param shape dimensions, -1 for variable
   */
  public record TensorMetadata(String name, String datatype, List<Long> shape) {
    static TensorMetadata of(ModelSignature.TensorSpec spec) {
      return new TensorMetadata(spec.name(), spec.datatype().name(), List.of(-1L));
    }
  }
}
