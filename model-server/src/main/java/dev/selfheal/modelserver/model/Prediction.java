package dev.selfheal.modelserver.model;

/**
 * What the model says about one transaction.
 *
 * @param fraud true when the model predicts fraud
 * @param confidence the model's probability for the predicted label, 0.5 to 1
 */
public record Prediction(boolean fraud, double confidence) {

  /** The label as the API spells it: {@code "fraud"} or {@code "legitimate"}. */
  public String label() {
    return fraud ? "fraud" : "legitimate";
  }
}
