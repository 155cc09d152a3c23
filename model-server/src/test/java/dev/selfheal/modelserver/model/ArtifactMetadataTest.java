package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ArtifactMetadataTest {

  private static final ArtifactMetadata SKEWED =
      new ArtifactMetadata(
          "fraud-detector",
          "v2.0",
          "fraud-v2.tribuo",
          "data: 10 rows",
          7,
          "Trainer(a=b,c=d)",
          "features-1",
          AmountUnit.CENTS,
          AmountUnit.DOLLARS,
          10,
          0.7,
          0.95,
          "amount unit: cents vs dollars");

  @Test
  void roundTripsWithoutATimestamp() throws IOException {
    StringWriter out = new StringWriter();
    SKEWED.write(out);

    assertThat(out.toString())
        .contains("training.amount_unit=cents\n")
        .contains("serving.amount_unit=dollars\n")
        .contains("golden_set.accuracy=0.7\n")
        .doesNotContain("2026")
        .doesNotContain("\r");
    assertThat(ArtifactMetadata.read(new StringReader(out.toString()))).isEqualTo(SKEWED);
    assertThat(SKEWED.hasAmountUnitSkew()).isTrue();
  }

  @Test
  void writingTwiceGivesTheSameBytes() throws IOException {
    StringWriter first = new StringWriter();
    StringWriter second = new StringWriter();
    SKEWED.write(first);
    SKEWED.write(second);
    assertThat(first.toString()).isEqualTo(second.toString());
  }

  @Test
  void missingKeyIsNamed() {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ArtifactMetadata.read(new StringReader("name=x\n")))
        .withMessage("model metadata: missing key version");
  }

  @Test
  void unknownUnitIsNamed() {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> AmountUnit.fromMetadata("euros"))
        .withMessageContaining("unknown amount unit 'euros'");
  }

  @Test
  void centsAreHundredthsOfADollar() {
    assertThat(AmountUnit.CENTS.fromDollars(12.34)).isEqualTo(1234.0);
    assertThat(AmountUnit.DOLLARS.fromDollars(12.34)).isEqualTo(12.34);
  }
}
