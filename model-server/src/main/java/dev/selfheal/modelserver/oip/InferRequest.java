package dev.selfheal.modelserver.oip;

import dev.selfheal.transactions.Transaction;
import java.util.List;

/**
 * A decoded and validated infer request.
 *
 * @param id the request's {@code id}, echoed in the response; null when the client sent none
 * @param rows one transaction per row of the input tensors
 * @param outputs the outputs to return, in response order, each with its wire form
 */
public record InferRequest(String id, List<Transaction> rows, List<RequestedOutput> outputs) {

  /** Copies the lists. */
  public InferRequest {
    rows = List.copyOf(rows);
    outputs = List.copyOf(outputs);
  }

  /** True when at least one output goes in the binary form. */
  public boolean anyBinary() {
    return outputs.stream().anyMatch(RequestedOutput::binary);
  }

  /**
   * One output the client asked for.
   *
   * @param name output tensor name (known to the model)
   * @param binary true for the binary tensor form, false for JSON {@code data}
   */
  public record RequestedOutput(String name, boolean binary) {}
}
