package dev.selfheal.modelserver.oip;

import java.util.List;
import java.util.Optional;

/**
 * The tensors a model takes and returns, as {@code GET /v2/models/{name}} lists them. Every tensor
 * is one-dimensional with a variable length (shape {@code [-1]}): element {@code i} of each input
 * belongs to row {@code i}.
 *
 * @param inputs input tensors, all required, in metadata order
 * @param outputs output tensors, in the order the server returns them by default
 */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {

  /** The fraud detector: the six {@code /predict} fields in, label, confidence and id out. */
  public static final ModelSignature FRAUD_DETECTOR =
      new ModelSignature(
          List.of(
              new TensorSpec("amount", Datatype.FP64),
              new TensorSpec("hour", Datatype.INT32),
              new TensorSpec("distance_from_home_km", Datatype.FP64),
              new TensorSpec("transactions_last_24h", Datatype.INT32),
              new TensorSpec("merchant_category", Datatype.BYTES),
              new TensorSpec("card_present", Datatype.BOOL)),
          List.of(
              new TensorSpec("prediction", Datatype.BYTES),
              new TensorSpec("confidence", Datatype.FP64),
              new TensorSpec("prediction_id", Datatype.BYTES)));

  /** Copies the lists. */
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** The input named {@code name}, if the model has one. */
  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The output named {@code name}, if the model has one. */
  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /**
   * One tensor of the signature.
   *
   * @param name tensor name
   * @param datatype element type
   */
  public record TensorSpec(String name, Datatype datatype) {}

  /** The OIP element types this server reads and writes, with their size in the binary form. */
  public enum Datatype {
    /** One byte, 0 or 1. */
    BOOL(1),
    /** 32-bit signed integer, little-endian. */
    INT32(4),
    /** 64-bit IEEE float, little-endian. */
    FP64(8),
    /** Variable length: each element a 4-byte little-endian length, then that many bytes. */
    BYTES(-1);

    private final int size;

    Datatype(int size) {
      this.size = size;
    }

    /** Bytes per element in the binary form, -1 for BYTES. */
    public int size() {
      return size;
    }
  }
}
