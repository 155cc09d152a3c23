package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.selfheal.modelserver.model.train.WeightsExport;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.SyntheticTransactions;
import dev.selfheal.transactions.Transaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The served model is the Tribuo model: the same label and the same confidence, to the last bit,
 * for every golden row and 20,000 other transactions (amounts from cents to the largest allowed),
 * and the shipped weights file is exactly what exporting the shipped artifact writes.
 */
class LinearFraudModelTest {

  @ParameterizedTest
  @EnumSource(ModelRelease.class)
  void servedPredictionsAreTribuosToTheLastBit(ModelRelease release) {
    LinearFraudModel served = ModelLoader.load(release);
    TribuoFraudModel tribuo = TribuoArtifacts.load(release);
    List<Transaction> inputs = new ArrayList<>();
    served.goldenSet().forEach(row -> inputs.add(row.transaction()));
    for (LabeledTransaction row : SyntheticTransactions.generate(7, 20_000)) {
      inputs.add(row.transaction());
    }
    // The edges of every field's range.
    for (double amount : new double[] {0.01, 1, 999_999.99, Transaction.MAX_AMOUNT}) {
      for (MerchantCategory category : MerchantCategory.values()) {
        inputs.add(new Transaction(amount, 0, 0, 0, category, true));
        inputs.add(new Transaction(amount, 23, 20_000, 1000, category, false));
      }
    }
    int fraud = 0;
    for (Transaction transaction : inputs) {
      Prediction expected = tribuo.predict(transaction);
      Prediction actual = served.predict(transaction);
      assertThat(actual).as("%s", transaction).isEqualTo(expected);
      fraud += actual.fraud() ? 1 : 0;
    }
    // Both labels occur, so the comparison covers both rows of weights winning.
    assertThat(fraud).isPositive().isLessThan(inputs.size());
    assertThat(served.accuracy(served.goldenSet()))
        .isEqualTo(tribuo.accuracy(tribuo.goldenSet()))
        .isEqualTo(served.provenance().goldenSetAccuracy());
    assertThat(served.provenance()).isEqualTo(tribuo.provenance());
  }

  @ParameterizedTest
  @EnumSource(ModelRelease.class)
  void theShippedWeightsFileIsTheExportOfTheShippedArtifact(ModelRelease release)
      throws IOException {
    TribuoFraudModel tribuo = TribuoArtifacts.load(release);
    StringWriter exported = new StringWriter();
    WeightsExport.of(tribuo.tribuoModel(), tribuo.provenance().sha256())
        .write(exported, WeightsExport.comment(release));
    assertThat(new String(ModelLoader.readResource(release.weightsFile()), StandardCharsets.UTF_8))
        .isEqualTo(exported.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "features a b\nlabel fraud 1 2 3\nlabel legitimate 1 2 3",
        "source_sha256 abc\nfeatures a b\nlabel fraud 1 2 3\nlabel legitimate 1 2 3",
        "source_sha256 %s\nfeatures a b\nlabel fraud 1 2\nlabel legitimate 1 2 3",
        "source_sha256 %s\nfeatures a b\nlabel fraud 1 2 x\nlabel legitimate 1 2 3",
        "source_sha256 %s\nfeatures a b\nlabel fraud 1 2 NaN\nlabel legitimate 1 2 3",
        "source_sha256 %s\nfeatures a b\nlabel fraud 1 2 3",
        "source_sha256 %s\nfeatures a b\nweights 1 2 3"
      })
  void aMalformedWeightsFileIsRefusedNamingTheFileAndLine(String text) {
    String file = text.formatted("0".repeat(64));
    assertThatExceptionOfType(IllegalStateException.class)
        .isThrownBy(
            () -> LinearWeights.read(new BufferedReader(new StringReader(file)), "x.linear"))
        .withMessageStartingWith("x.linear is not a weights file (line ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "features amount_log b\nlabel fraud 1 2 3\nlabel legitimate 1 2 3",
        "features %s\nlabel fraud %s\nlabel other %s"
      })
  void weightsForOtherFeaturesOrLabelsAreRefused(String template) {
    List<String> names = List.of(Features.names());
    String numbers = "1 ".repeat(names.size() + 1).strip();
    String text =
        "source_sha256 "
            + "0".repeat(64)
            + "\n"
            + template.formatted(String.join(" ", names), numbers, numbers);
    LinearWeights weights =
        LinearWeights.read(new BufferedReader(new StringReader(text)), "x.linear");
    LinearFraudModel reference = ModelLoader.load(ModelRelease.V1);
    assertThatExceptionOfType(IllegalStateException.class)
        .isThrownBy(
            () ->
                new LinearFraudModel(
                    weights, reference.provenance(), reference.metadata(), List.of()))
        .withMessageContaining("the weights'");
  }
}
