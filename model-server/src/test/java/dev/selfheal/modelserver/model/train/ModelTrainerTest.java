package dev.selfheal.modelserver.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.selfheal.modelserver.model.FeatureEncoder;
import dev.selfheal.modelserver.model.ModelLoader;
import dev.selfheal.modelserver.model.ModelRelease;
import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.model.TribuoArtifacts;
import dev.selfheal.modelserver.model.TribuoFraudModel;
import dev.selfheal.transactions.LabeledTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.common.sgd.AbstractLinearSGDModel;
import org.tribuo.math.la.DenseMatrix;

/** Retrains in-process and checks the result behaves exactly like the shipped artifacts. */
class ModelTrainerTest {

  // Tribuo logs every training run at INFO through java.util.logging; keep test output readable.
  private static final double TOLERANCE = 1e-9;

  private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");
  private static Level previousLevel;

  @BeforeAll
  static void quietTribuo() {
    previousLevel = TRIBUO_LOG.getLevel();
    TRIBUO_LOG.setLevel(Level.WARNING);
  }

  @AfterAll
  static void restoreTribuo() {
    TRIBUO_LOG.setLevel(previousLevel);
  }

  @ParameterizedTest
  @EnumSource(ModelRelease.class)
  void retrainingReproducesTheShippedArtifact(ModelRelease release) {
    TribuoFraudModel shipped = TribuoArtifacts.load(release);
    ModelTrainer.TrainedArtifact retrained = ModelTrainer.train(TrainingRecipe.forRelease(release));

    assertSameWeights(retrained.model(), shipped.tribuoModel());
    for (LabeledTransaction row : shipped.goldenSet()) {
      Prediction expected = shipped.predict(row.transaction());
      Label actual =
          retrained.model().predict(FeatureEncoder.servingExample(row.transaction())).getOutput();
      assertThat(actual.getLabel()).isEqualTo(expected.label());
      assertThat(actual.getScore()).isCloseTo(expected.confidence(), within(TOLERANCE));
    }
    assertThat(retrained.metadata()).isEqualTo(shipped.metadata());
  }

  @Test
  void writeAllRegeneratesIdenticalDataAndMetadata(@TempDir Path dir) throws IOException {
    ModelTrainer.writeAll(dir);

    assertThat(Files.readAllBytes(dir.resolve(ModelRelease.GOLDEN_SET_FILE)))
        .isEqualTo(ModelLoader.readResource(ModelRelease.GOLDEN_SET_FILE));
    for (ModelRelease release : ModelRelease.values()) {
      assertThat(Files.readAllBytes(dir.resolve(release.metadataFile())))
          .as(release.metadataFile())
          .isEqualTo(ModelLoader.readResource(release.metadataFile()));
      Model<?> written = Model.deserializeFromFile(dir.resolve(release.artifactFile()));
      assertSameWeights(
          written.castModel(Label.class), TribuoArtifacts.load(release).tribuoModel());
    }
  }

  @Test
  void trainerIsSeededLogisticRegression() {
    assertThat(ModelTrainer.trainer(42).toString())
        .startsWith("LinearSGDTrainer(objective=LogMulticlass")
        .contains("epochs=" + ModelTrainer.EPOCHS)
        .contains("seed=42");
  }

  // Training is deterministic; the tolerance only absorbs last-bit differences of Math.exp between
  // CPUs.
  private static void assertSameWeights(Model<Label> actual, Model<Label> expected) {
    DenseMatrix a = weights(actual);
    DenseMatrix e = weights(expected);
    assertThat(a.getDimension1Size()).isEqualTo(e.getDimension1Size());
    assertThat(a.getDimension2Size()).isEqualTo(e.getDimension2Size());
    for (int i = 0; i < e.getDimension1Size(); i++) {
      for (int j = 0; j < e.getDimension2Size(); j++) {
        assertThat(a.get(i, j))
            .as("weight[%d][%d]", i, j)
            .isCloseTo(e.get(i, j), within(TOLERANCE));
      }
    }
    assertThat(actual.getFeatureIDMap().keySet()).isEqualTo(expected.getFeatureIDMap().keySet());
  }

  private static DenseMatrix weights(Model<Label> model) {
    assertThat(model).isInstanceOf(AbstractLinearSGDModel.class);
    return ((AbstractLinearSGDModel<Label>) model).getWeightsCopy();
  }
}
