package dev.selfheal.modelserver.model.train;

import dev.selfheal.modelserver.model.AmountUnit;
import dev.selfheal.modelserver.model.ModelRelease;

/**
 * How one release's artifact is trained. Both releases use the same data, encoder and trainer; they
 * differ only in the unit in which the training pipeline passes the amount to the encoder.
 *
 * @param release the release the artifact is for
 * @param trainingAmountUnit unit of {@code amount} in the training pipeline
 * @param knownDefect plain-language description of a deliberate defect, empty when there is none
 */
public record TrainingRecipe(
    ModelRelease release, AmountUnit trainingAmountUnit, String knownDefect) {

  /** The recipe that produces the shipped artifact of {@code release}. */
  public static TrainingRecipe forRelease(ModelRelease release) {
    return switch (release) {
      case V1 -> new TrainingRecipe(release, AmountUnit.DOLLARS, "");
      case V2 ->
          new TrainingRecipe(
              release,
              AmountUnit.CENTS,
              "training/serving skew: the v2 training pipeline read amounts from an export in cents, the server"
                  + " passes dollars, so every amount looks 100 times smaller to the model and large fraudulent"
                  + " purchases pass as legitimate");
    };
  }
}
