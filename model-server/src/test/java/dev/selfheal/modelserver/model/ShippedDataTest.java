package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.transactions.SyntheticTransactions;
import org.junit.jupiter.api.Test;

/** What the model server ships agrees with the generator it was made from. */
class ShippedDataTest {

  @Test
  void shippedGoldenSetIsTheHeldOutTailOfTheDefaultDataSet() {
    assertThat(ModelLoader.load("v1").goldenSet())
        .isEqualTo(SyntheticTransactions.defaultSplit().golden());
  }

  @Test
  void predictionLabelSpellsTheApiValue() {
    assertThat(new Prediction(true, 0.9).label()).isEqualTo("fraud");
    assertThat(new Prediction(false, 0.9).label()).isEqualTo("legitimate");
  }
}
