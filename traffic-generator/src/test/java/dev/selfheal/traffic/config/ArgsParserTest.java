package dev.selfheal.traffic.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsParserTest {

  @Test
  void noArgumentsGiveTheDefaults() {
    assertThat(ArgsParser.parse()).contains(TrafficConfig.defaults());
    assertThat(TrafficConfig.defaults().baseUrl()).isEqualTo(URI.create("http://localhost:8080"));
  }

  @Test
  void readsEveryOption() {
    TrafficConfig config =
        ArgsParser.parse(
                "--url", "http://192.168.49.2:30080/",
                "--rate", "12.5",
                "--duration", "0",
                "--feedback-ratio", "0.25",
                "--seed", "7",
                "--report-every", "3",
                "--timeout-ms", "750",
                "--max-in-flight", "4",
                "--connections", "3",
                "--reconnect-every", "0")
            .orElseThrow();

    assertThat(config)
        .isEqualTo(
            new TrafficConfig(
                URI.create("http://192.168.49.2:30080"),
                12.5,
                Duration.ZERO,
                0.25,
                7,
                Duration.ofSeconds(3),
                Duration.ofMillis(750),
                4,
                3,
                0));
    assertThat(config.endpoint("/predict"))
        .isEqualTo(URI.create("http://192.168.49.2:30080/predict"));
  }

  @Test
  void helpIsEmpty() {
    assertThat(ArgsParser.parse("--rate", "3", "--help")).isEmpty();
    assertThat(ArgsParser.parse("-h")).isEmpty();
    assertThat(ArgsParser.USAGE)
        .contains(
            "--url",
            "--rate",
            "--duration",
            "--feedback-ratio",
            "--connections",
            "--reconnect-every",
            "FEEDBACK_TOKEN");
  }

  @Test
  void takesTheOptionEqualsValueFormToo() {
    TrafficConfig config =
        ArgsParser.parse("--url=http://192.168.49.2:30080", "--rate=10", "--duration", "600")
            .orElseThrow();

    assertThat(config.baseUrl()).hasToString("http://192.168.49.2:30080");
    assertThat(config.ratePerSecond()).isEqualTo(10.0);
    assertThat(config.duration()).hasSeconds(600);
    assertThat(ArgsParser.parse("--url=http://h:1/a=b").orElseThrow().baseUrl())
        .hasToString("http://h:1/a=b");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate="))
        .withMessage("--rate needs a value");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--speed=3"))
        .withMessage("unknown option --speed");
  }

  @Test
  void errorsNameTheOption() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--speed", "3"))
        .withMessage("unknown option --speed");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("fast"))
        .withMessage("unknown option fast");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate"))
        .withMessage("--rate needs a value");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--url", "--rate", "3"))
        .withMessage("--url needs a value");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate", "ten"))
        .withMessage("--rate must be a number, was ten");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate", "NaN"))
        .withMessage("--rate must be a number, was NaN");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--duration", "1.5"))
        .withMessage("--duration must be a whole number, was 1.5");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--url", "http://bad host"))
        .withMessageStartingWith("--url is not a valid URL");
  }

  @Test
  void rangesAreChecked() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate", "0"))
        .withMessageStartingWith("--rate must be > 0 and <= 1000");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--rate", "5000"))
        .withMessageStartingWith("--rate must be > 0 and <= 1000");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--duration", "-1"))
        .withMessageStartingWith("--duration must be >= 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--feedback-ratio", "1.5"))
        .withMessageStartingWith("--feedback-ratio must be between 0 and 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--report-every", "-5"))
        .withMessageStartingWith("--report-every must be >= 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--timeout-ms", "0"))
        .withMessageStartingWith("--timeout-ms must be > 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--max-in-flight", "0"))
        .withMessageStartingWith("--max-in-flight must be >= 1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--connections", "0"))
        .withMessageStartingWith("--connections must be 1 to 256");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--connections", "99999999999"))
        .withMessageStartingWith("--connections must be 1 to 256");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--reconnect-every", "-1"))
        .withMessageStartingWith("--reconnect-every must be >= 0");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--url", "ftp://host/"))
        .withMessageStartingWith("--url must be an http(s) URL with a host");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ArgsParser.parse("--url", "localhost:8080"))
        .withMessageStartingWith("--url must be an http(s) URL with a host");
  }
}
