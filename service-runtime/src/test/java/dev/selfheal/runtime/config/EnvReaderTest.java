package dev.selfheal.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Typed settings with errors that name the variable. */
class EnvReaderTest {

  @Test
  void unsetBlankAndNullMeanTheDefault() {
    Map<String, String> env = new HashMap<>();
    env.put("NULL", null);
    env.put("BLANK", "  ");
    EnvReader in = new EnvReader(env);
    assertThat(in.integer("NULL", 7, 0, 10)).isEqualTo(7);
    assertThat(in.string("BLANK", "x")).isEqualTo("x");
    assertThat(in.seconds("UNSET", Duration.ofSeconds(3), false)).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void valuesAreParsedAndTrimmed() {
    EnvReader in =
        new EnvReader(
            Map.of("N", " 5 ", "F", "0.25", "S", "1.5", "B", "yes", "U", "http://profile:8081"));
    assertThat(in.integer("N", 0, 0, 10)).isEqualTo(5);
    assertThat(in.fraction("F", 0)).isEqualTo(0.25);
    assertThat(in.seconds("S", Duration.ZERO, false)).isEqualTo(Duration.ofMillis(1500));
    assertThat(in.millis("S", Duration.ZERO, false)).isEqualTo(Duration.ofNanos(1_500_000));
    assertThat(in.bool("B", false)).isTrue();
    assertThat(in.httpUri("U", "http://x").getPort()).isEqualTo(8081);
  }

  @Test
  void badValuesNameTheVariable() {
    EnvReader in =
        new EnvReader(
            Map.of(
                "N", "ten", "R", "99", "F", "1.5", "D", "-1", "B", "maybe", "U", "ftp://x", "BIG",
                "1e12"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.integer("N", 0, 0, 10))
        .withMessageStartingWith("N must be an integer");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.integer("R", 0, 0, 10))
        .withMessage("R must be in [0, 10], got 99");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.fraction("F", 0))
        .withMessageStartingWith("F must be in");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.seconds("D", Duration.ZERO, true))
        .withMessage("D must be >= 0, got -1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.bool("B", false))
        .withMessageStartingWith("B must be true or false");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.httpUri("U", "http://x"))
        .withMessageStartingWith("U must be an absolute http(s) URL");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> in.seconds("BIG", Duration.ZERO, false))
        .withMessageStartingWith("BIG is implausibly large");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "true, true", "TRUE, true", "1, true", "yes, true", "Yes, true",
    "false, false", "False, false", "0, false", "no, false", "NO, false"
  })
  void booleansAcceptOneSetOfSpellingsInEveryService(String written, boolean expected) {
    assertThat(new EnvReader(Map.of("DRY_RUN", written)).bool("DRY_RUN", !expected))
        .isEqualTo(expected);
  }

  @Test
  void edgeValuesTheServicesOnceDisagreedOn() {
    Map<String, String> env = new HashMap<>();
    env.put("DRY_RUN", "1");
    env.put("COOLDOWN_SECONDS", "1.5");
    env.put("LEASE_NAME", "   ");
    EnvReader in = new EnvReader(env);
    assertThat(in.bool("DRY_RUN", false)).isTrue();
    assertThat(in.seconds("COOLDOWN_SECONDS", Duration.ZERO, true))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(in.string("LEASE_NAME", "rollback-controller")).isEqualTo("rollback-controller");
  }

  @Test
  void listsAreTrimmedKeepOrderAndDropEmptyItems() {
    EnvReader in = new EnvReader(Map.of("L", " b , a ,, c ,", "COMMAS", " , ,"));
    assertThat(in.list("L", "x")).containsExactly("b", "a", "c");
    assertThat(in.list("UNSET", "x,y")).containsExactly("x", "y");
    // Blank means the default; only commas leave an empty list for the caller to refuse.
    assertThat(in.list("COMMAS", "x")).isEmpty();
  }

  @Test
  void secretComesFromTheFileFirstStrippedOfTheNewlineKubectlKeeps(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "from-file\n");
    assertThat(new EnvReader(Map.of("TOKEN_FILE", file.toString(), "TOKEN", "v")).secret("TOKEN"))
        .isEqualTo("from-file");
    assertThat(new EnvReader(Map.of("TOKEN_FILE", " ", "TOKEN", " v ")).secret("TOKEN"))
        .isEqualTo("v");
    assertThat(new EnvReader(Map.of()).secret("TOKEN")).isNull();
    Files.writeString(file, "\n");
    assertThat(new EnvReader(Map.of("TOKEN_FILE", file.toString())).secret("TOKEN")).isNull();
  }

  @Test
  void unreadableOrOversizedSecretFileNamesTheVariable(@TempDir Path dir) throws Exception {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new EnvReader(Map.of("TOKEN_FILE", dir.resolve("missing").toString()))
                    .secret("TOKEN"))
        .withMessageStartingWith("TOKEN_FILE " + dir.resolve("missing") + " cannot be read");
    Path big = dir.resolve("big");
    Files.writeString(big, "x".repeat(EnvReader.MAX_SECRET_BYTES + 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new EnvReader(Map.of("TOKEN_FILE", big.toString())).secret("TOKEN"))
        .withMessage("TOKEN_FILE " + big + " is larger than 4096 bytes");
  }
}
