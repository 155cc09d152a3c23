package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

class FeatureEncoderTest {

  private static final Transaction NIGHT_ONLINE =
      new Transaction(999.99, 3, 250, 7, MerchantCategory.ONLINE, false);

  @Test
  void namesAreUniqueAndCoverEveryCategory() {
    String[] names = FeatureEncoder.featureNames();

    assertThat(names).doesNotHaveDuplicates().hasSize(7 + MerchantCategory.values().length);
    assertThat(names).contains("amount_log", "merchant_online", "merchant_grocery", "card_present");
  }

  @Test
  void encodesOneHotCategoryAndFlags() {
    double[] values = FeatureEncoder.encode(NIGHT_ONLINE, AmountUnit.DOLLARS);
    String[] names = FeatureEncoder.featureNames();

    double oneHotSum = 0;
    for (int i = 0; i < names.length; i++) {
      if (names[i].startsWith("merchant_")) {
        oneHotSum += values[i];
      }
    }
    assertThat(oneHotSum).isEqualTo(1);
    assertThat(values[Arrays.asList(names).indexOf("merchant_online")]).isEqualTo(1);
    assertThat(values[Arrays.asList(names).indexOf("hour_night")]).isEqualTo(1);
    assertThat(values[Arrays.asList(names).indexOf("card_present")]).isZero();
    assertThat(values[Arrays.asList(names).indexOf("hour_sin")])
        .isCloseTo(Math.sin(Math.PI / 4), within(1e-12));
  }

  @Test
  void centsShiftTheAmountFeatureByHalfLnHundred() {
    double dollars = FeatureEncoder.encode(NIGHT_ONLINE, AmountUnit.DOLLARS)[0];
    double cents = FeatureEncoder.encode(NIGHT_ONLINE, AmountUnit.CENTS)[0];

    // (ln(1 + 100a) - ln(1 + a)) / 2 is about ln(100) / 2 = 2.3 for amounts well above a dollar.
    assertThat(cents - dollars).isCloseTo(Math.log(100) / 2, within(0.01));
  }

  @Test
  void servingExampleUsesDollarsAndNoLabel() {
    Example<Label> example = FeatureEncoder.servingExample(NIGHT_ONLINE);

    assertThat(example.getOutput()).isEqualTo(LabelFactory.UNKNOWN_LABEL);
    assertThat(example.size()).isEqualTo(FeatureEncoder.featureNames().length);
    assertThat(example.lookup("amount_log").getValue())
        .isEqualTo(FeatureEncoder.encode(NIGHT_ONLINE, AmountUnit.DOLLARS)[0]);
  }

  @Test
  void trainingExampleCarriesTheLabel() {
    Example<Label> example =
        FeatureEncoder.trainingExample(
            new LabeledTransaction(NIGHT_ONLINE, true), AmountUnit.CENTS);

    assertThat(example.getOutput().getLabel()).isEqualTo("fraud");
    assertThat(example.lookup("amount_log").getValue())
        .isEqualTo(FeatureEncoder.encode(NIGHT_ONLINE, AmountUnit.CENTS)[0]);
  }
}
