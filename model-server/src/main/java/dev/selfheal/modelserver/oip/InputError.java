package dev.selfheal.modelserver.oip;

import dev.selfheal.runtime.http.HttpError;

/**
 * The one form of a refusal about one input tensor: 400 naming the tensor as the field at fault,
 * with a message that starts {@code input 'name' }, so every such message reads the same way.
 */
final class InputError {
  private InputError() {}

  /**
   * 400 for input {@code name}.
   *
   * @param name the input tensor at fault
   * @param problem what is wrong with it, e.g. {@code needs a datatype}
   */
  static HttpError of(String name, String problem) {
    return HttpError.badRequest(name, "input '" + name + "' " + problem);
  }
}
