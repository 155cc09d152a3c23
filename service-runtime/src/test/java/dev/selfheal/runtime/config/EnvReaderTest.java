package dev.selfheal.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
