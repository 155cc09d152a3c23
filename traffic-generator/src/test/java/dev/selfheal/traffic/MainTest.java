package dev.selfheal.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.traffic.run.TrafficRun;
import dev.selfheal.traffic.support.RealModelServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir Path temp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<TrafficRun> started = new ArrayList<>();

  private int main(String... args) throws InterruptedException {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        started::add);
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    assertThat(main("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: traffic-generator");
    assertThat(started).isEmpty();
  }

  @Test
  void badUsageExitsTwoNamingTheOption() throws Exception {
    assertThat(main("--rate", "-3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("traffic-generator: --rate must be > 0")
        .contains("--help");
    assertThat(started).isEmpty();
  }

  @Test
  void exitsZeroAfterDrivingARealServer() throws Exception {
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      int status =
          main(
              "--url",
              server.url().toString(),
              "--rate",
              "50",
              "--duration",
              "1",
              "--report-every",
              "0",
              "--timeout-ms",
              "10000");

      assertThat(status).as(out + "\n" + err).isZero();
      assertThat(started).hasSize(1);
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("| v1.0: ").contains("(done)");
    }
  }

  @Test
  void exitsOneWhenNoPredictionSucceeds() throws Exception {
    URI gone = RealModelServer.nothingListening();

    int status =
        main("--url", gone.toString(), "--rate", "20", "--duration", "1", "--timeout-ms", "500");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("no prediction succeeded; is the server reachable at " + gone);
  }
}
