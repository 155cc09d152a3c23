package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.modelserver.model.train.ModelTrainer;
import dev.selfheal.transactions.LabeledTransaction;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.classification.Label;

class ModelLoaderTest {

  private static LinearFraudModel v1;
  private static LinearFraudModel v2;

  @BeforeAll
  static void loadBoth() {
    v1 = ModelLoader.load("v1.0");
    v2 = ModelLoader.load("v2.0");
  }

  @Test
  void v1ReachesTheAccuracyBarOnItsGoldenSet() {
    double accuracy = v1.accuracy(v1.goldenSet());

    assertThat(accuracy).isGreaterThanOrEqualTo(0.93);
    assertThat(v1.provenance().goldenSetAccuracy()).isEqualTo(accuracy);
    assertThat(v1.metadata().hasAmountUnitSkew()).isFalse();
    assertThat(v1.metadata().knownDefect()).isEmpty();
  }

  @Test
  void v2IsWellBelowTheThresholdThroughTheServingPath() {
    double accuracy = v2.accuracy(v2.goldenSet());

    assertThat(accuracy).isLessThan(0.85).isGreaterThan(0.5);
    assertThat(v2.provenance().goldenSetAccuracy()).isEqualTo(accuracy);
  }

  @Test
  void v2DefectIsTheAmountUnitSkewAndNothingElse() {
    ArtifactMetadata metadata = v2.metadata();
    assertThat(metadata.trainingAmountUnit()).isEqualTo(AmountUnit.CENTS);
    assertThat(metadata.servingAmountUnit()).isEqualTo(AmountUnit.DOLLARS);
    assertThat(metadata.hasAmountUnitSkew()).isTrue();
    assertThat(metadata.knownDefect()).contains("cents").contains("dollars");

    // Fed in the unit it was trained with, the v2 model is as good as v1: the defect is the skew.
    double inTrainingUnits =
        ModelTrainer.accuracy(
            TribuoArtifacts.load("v2.0").tribuoModel(), v2.goldenSet(), AmountUnit.CENTS);
    assertThat(inTrainingUnits).isGreaterThanOrEqualTo(0.93);
    assertThat(metadata.goldenSetAccuracyTrainingUnits()).isEqualTo(inTrainingUnits);
  }

  @Test
  void v2MissesMostFraudBecauseAmountsLookHundredTimesSmaller() {
    List<LabeledTransaction> fraud =
        v1.goldenSet().stream().filter(LabeledTransaction::fraud).toList();

    double v1Recall = TribuoFraudModel.accuracy(v1, fraud);
    double v2Recall = TribuoFraudModel.accuracy(v2, fraud);

    assertThat(v1Recall).isGreaterThan(0.8);
    assertThat(v2Recall).isLessThan(v1Recall - 0.4);
  }

  @Test
  void goldenSetIsTheSharedHeldOutSet() {
    assertThat(v1.goldenSet()).hasSize(1000).isEqualTo(v2.goldenSet());
    double fraudRate =
        v1.goldenSet().stream().filter(LabeledTransaction::fraud).count()
            / (double) v1.goldenSet().size();
    assertThat(fraudRate).isBetween(0.2, 0.3);
  }

  @ParameterizedTest
  @CsvSource({"v1.0,V1", "v1,V1", " V1.0 ,V1", "v2.0,V2", "v2,V2", "V2,V2"})
  void acceptsVersionSpellings(String setting, ModelRelease expected) {
    assertThat(ModelRelease.fromSetting(setting)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"v3.0", "1.0", "v1.1", "latest", "v"})
  void unknownVersionNamesTheSetting(String setting) {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ModelLoader.load(setting))
        .withMessageStartingWith("MODEL_VERSION must be one of v1.0, v1, v2.0, v2");
  }

  @Test
  void loadAsyncCompletesWithTheRequestedRelease() {
    LinearFraudModel loaded = ModelLoader.loadAsync("v2").orTimeout(30, TimeUnit.SECONDS).join();

    assertThat(loaded.metadata().version()).isEqualTo("v2.0");
    assertThat(loaded.provenance()).isEqualTo(v2.provenance());
  }

  @Test
  void loadAsyncRejectsAnUnknownVersionOnTheCallersThread() {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ModelLoader.loadAsync("v9"))
        .withMessageContaining("MODEL_VERSION")
        .withMessageContaining("'v9'");
  }

  @Test
  void provenanceDescribesTheArtifact() throws IOException {
    ModelProvenance provenance = v1.provenance();

    assertThat(provenance.name()).isEqualTo("fraud-detector");
    assertThat(provenance.artifact()).isEqualTo("fraud-v1.tribuo");
    assertThat(provenance.seed()).isEqualTo(20_251_125L);
    assertThat(provenance.dataset())
        .startsWith("synthetic-card-transactions-1 seed 20251125")
        .contains("6000 rows");
    assertThat(provenance.trainer())
        .startsWith("LinearSGDTrainer(objective=LogMulticlass")
        .contains("seed=20251125");
    assertThat(provenance.goldenSetSize()).isEqualTo(1000);
    assertThat(provenance.sha256()).isEqualTo(independentSha256("/models/fraud-v1.tribuo"));
    assertThat(v2.provenance().sha256())
        .isEqualTo(independentSha256("/models/fraud-v2.tribuo"))
        .isNotEqualTo(provenance.sha256());
  }

  @Test
  void predictionsCarryProbabilities() {
    for (LabeledTransaction row : v1.goldenSet().subList(0, 50)) {
      Prediction prediction = v1.predict(row.transaction());
      assertThat(prediction.confidence()).isBetween(0.5, 1.0);
      assertThat(prediction.label()).isIn("fraud", "legitimate");
    }
  }

  @Test
  void obviousCasesAreClassifiedSensibly() {
    Transaction coffee = new Transaction(4.5, 9, 1.2, 1, MerchantCategory.RESTAURANT, true);
    Transaction burst = new Transaction(2400, 3, 900, 9, MerchantCategory.ELECTRONICS, false);

    assertThat(v1.predict(coffee).fraud()).isFalse();
    assertThat(v1.predict(burst).fraud()).isTrue();
    assertThat(v1.predict(burst).confidence()).isGreaterThan(0.9);
    // The skewed v2 model sees $2400 as $24 and waves the burst through.
    assertThat(v2.predict(burst).confidence()).isLessThan(v1.predict(burst).confidence());
  }

  @Test
  void sha256IsHex() {
    assertThat(ModelLoader.sha256(new byte[0]))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void corruptArtifactIsReportedByName() {
    byte[] garbage = "not a protobuf model".getBytes(StandardCharsets.UTF_8);

    assertThatExceptionOfType(IllegalStateException.class)
        .isThrownBy(() -> TribuoArtifacts.deserialize(garbage, "fraud-v1.tribuo"))
        .withMessage("cannot deserialize model artifact fraud-v1.tribuo");
  }

  @Test
  void truncatedArtifactIsReportedByName() {
    byte[] artifact = ModelLoader.readResource("fraud-v1.tribuo");
    byte[] truncated = Arrays.copyOf(artifact, artifact.length / 2);

    assertThatExceptionOfType(IllegalStateException.class)
        .isThrownBy(() -> TribuoArtifacts.deserialize(truncated, "fraud-v1.tribuo"))
        .withMessageContaining("fraud-v1.tribuo");
  }

  @Test
  void missingResourceIsReported() {
    assertThatExceptionOfType(IllegalStateException.class)
        .isThrownBy(() -> ModelLoader.readResource("fraud-v9.tribuo"))
        .withMessageContaining("/models/fraud-v9.tribuo is missing");
  }

  private static String independentSha256(String resource) throws IOException {
    try (InputStream in = ModelLoaderTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void confidenceIsTheProbabilityOfThePredictedLabel() {
    for (LabeledTransaction row : v1.goldenSet().subList(0, 20)) {
      Prediction prediction = v1.predict(row.transaction());
      Map<String, Label> scores =
          TribuoArtifacts.load("v1.0")
              .tribuoModel()
              .predict(FeatureEncoder.servingExample(row.transaction()))
              .getOutputScores();

      assertThat(scores.get("fraud").getScore() + scores.get("legitimate").getScore())
          .isCloseTo(1.0, within(1e-9));
      assertThat(prediction.confidence()).isEqualTo(scores.get(prediction.label()).getScore());
    }
  }
}
