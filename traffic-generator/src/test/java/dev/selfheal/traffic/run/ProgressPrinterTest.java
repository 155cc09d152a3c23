package dev.selfheal.traffic.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.traffic.support.RealModelServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressPrinterTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLiveStatusRewritesOneLineAndBlanksWhatALongerOneLeft() {
    ProgressPrinter progress = ProgressPrinter.live(out);

    progress.status("1s sent=10 ok=10");
    progress.status("2s sent=9");

    assertThat(progress.isLive()).isTrue();
    assertThat(written()).isEqualTo("\r1s sent=10 ok=10\r2s sent=9       ").doesNotContain("\n");
  }

  @Test
  void aLineThatStaysClearsTheLiveStatusFirst() {
    ProgressPrinter progress = ProgressPrinter.live(out);

    progress.status("1s sent=10");
    progress.println("2s sent=20 (done)");

    assertThat(written())
        .isEqualTo("\r1s sent=10\r          \r2s sent=20 (done)" + System.lineSeparator());
  }

  @Test
  void withoutATerminalEveryReportIsALine() {
    ProgressPrinter progress = ProgressPrinter.lines(out);

    progress.status("1s sent=10");
    progress.status("2s sent=20");
    progress.println("2s sent=20 (done)");

    assertThat(progress.isLive()).isFalse();
    assertThat(written())
        .isEqualTo(
            String.join(
                System.lineSeparator(), "1s sent=10", "2s sent=20", "2s sent=20 (done)", ""))
        .doesNotContain("\r");
  }

  @Test
  void aRunOnATerminalRefreshesOneLineEverySecondThenPrintsTheSummary(@TempDir Path temp)
      throws Exception {
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      // Reports every 10 s as asked, but the run lasts 2.5 s: only the live line shows progress.
      TrafficConfig config =
          new TrafficConfig(
              server.url(),
              50,
              Duration.ofMillis(2500),
              1,
              3,
              Duration.ofSeconds(10),
              Duration.ofSeconds(10),
              8,
              TrafficConfig.DEFAULT_CONNECTIONS,
              TrafficConfig.DEFAULT_RECONNECT_EVERY);
      new TrafficRun(config, null, out, ProgressPrinter.live(out)).run();
    }

    String[] lines = written().split(System.lineSeparator(), -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("sending 50.0 transactions/s");
    assertThat(lines[1]).startsWith("\r   1s sent=").contains("\r   2s sent=").endsWith("(done)");
    assertThat(lines[2]).isEmpty();
  }

  @Test
  void aStreamThatIsNotStandardOutputIsNeverLive() {
    assertThat(ProgressPrinter.forStream(out).isLive()).isFalse();
  }

  @Test
  void underTheTestRunnerStandardOutputIsNotATerminal() {
    // Surefire pipes the forked JVM's output, as CI and `| tee` do.
    assertThat(ProgressPrinter.standardOutputIsATerminal()).isFalse();
    assertThat(ProgressPrinter.forStream(System.out).isLive()).isFalse();
  }
}
