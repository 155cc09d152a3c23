package dev.selfheal.traffic.run;

import static dev.selfheal.traffic.support.RealModelServer.metric;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.traffic.support.RealModelServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the real model server (v1 and the faulty v2) in this JVM and checks what it counted. */
class TrafficRunTest {
  private static final int LANES = TrafficConfig.DEFAULT_CONNECTIONS;
  private static final int RECONNECT = TrafficConfig.DEFAULT_RECONNECT_EVERY;

  @TempDir Path temp;

  private static TrafficConfig config(URI url, double feedbackRatio) {
    return new TrafficConfig(
        url,
        100,
        Duration.ofMillis(1500),
        feedbackRatio,
        42,
        Duration.ofMillis(500),
        // Generous: a cold JIT on a busy CI machine is slow, and a timeout would count as a
        // failure.
        Duration.ofSeconds(10),
        32,
        LANES,
        RECONNECT);
  }

  private static TrafficStats.Snapshot drive(TrafficConfig config, ByteArrayOutputStream out)
      throws InterruptedException {
    return new TrafficRun(
            config, RealModelServer.TOKEN, new PrintStream(out, true, StandardCharsets.UTF_8))
        .run();
  }

  @Test
  void v1AnswersEveryTransactionAndAcceptsEveryLabel() throws Exception {
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();

      TrafficStats.Snapshot result = drive(config(server.url(), 1.0), out);

      assertThat(result.sent()).as(out.toString(StandardCharsets.UTF_8)).isGreaterThanOrEqualTo(20);
      assertThat(result.failed()).isZero();
      assertThat(result.ok()).isEqualTo(result.sent());
      assertThat(result.feedback()).containsEntry(Outcome.OK, result.ok());
      assertThat(result.versions()).containsOnlyKeys("v1.0");
      assertThat(result.versions().get("v1.0").accuracy()).isGreaterThan(0.88);
      // The server counted the same requests the generator did.
      assertThat(metric(server.url(), "model_requests_total{version=\"v1.0\"}"))
          .isGreaterThanOrEqualTo(result.ok());
      assertThat(out.toString(StandardCharsets.UTF_8))
          .startsWith("sending 100.0 transactions/s to " + server.url())
          .contains("| v1.0: ")
          .contains("(done)");
    }
  }

  @Test
  void withoutTheTokenLabelsAreRefusedAndPredictionsGoOn() throws Exception {
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      TrafficConfig config = config(server.url(), 1.0);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // No token: the generator sends its labels without one.
      TrafficStats.Snapshot result =
          new TrafficRun(config, null, new PrintStream(out, true, StandardCharsets.UTF_8)).run();

      assertThat(result.ok()).isEqualTo(result.sent()).isPositive();
      assertThat(result.feedback()).containsEntry(Outcome.REJECTED, result.ok());
      assertThat(metric(server.url(), "model_feedback_labels{version=\"v1.0\"}")).isZero();
    }
  }

  @Test
  void v2IsMeasurablyWorseOnTheSameTraffic() throws Exception {
    double v1;
    double v2;
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      v1 =
          drive(config(server.url(), 0), new ByteArrayOutputStream())
              .versions()
              .get("v1.0")
              .accuracy();
    }
    try (RealModelServer server = RealModelServer.start("v2.0", temp)) {
      TrafficStats.Snapshot result = drive(config(server.url(), 0), new ByteArrayOutputStream());
      v2 = result.versions().get("v2.0").accuracy();
      assertThat(result.feedback().values()).allMatch(count -> count == 0);
    }

    assertThat(v2).isLessThan(0.90).isLessThan(v1 - 0.05);
  }

  @Test
  void aServerThatIsNotThereCountsAsUnreachable() throws Exception {
    URI nowhere = RealModelServer.nothingListening();

    TrafficStats.Snapshot result =
        drive(
            new TrafficConfig(
                nowhere,
                50,
                Duration.ofMillis(300),
                1,
                1,
                Duration.ZERO,
                Duration.ofSeconds(1),
                4,
                LANES,
                RECONNECT),
            new ByteArrayOutputStream());

    assertThat(result.ok()).isZero();
    assertThat(result.predictions().get(Outcome.UNREACHABLE)).isPositive();
  }

  @Test
  void stopEndsAnOpenEndedRunWithASummary() throws Exception {
    try (RealModelServer server = RealModelServer.start("v1.0", temp)) {
      TrafficConfig config =
          new TrafficConfig(
              server.url(),
              50,
              Duration.ZERO,
              1,
              3,
              Duration.ZERO,
              Duration.ofSeconds(2),
              4,
              LANES,
              RECONNECT);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrafficRun run =
          new TrafficRun(config, null, new PrintStream(out, true, StandardCharsets.UTF_8));
      CompletableFuture<TrafficStats.Snapshot> result =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return run.run();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException(e);
                }
              });

      await().atMost(Duration.ofSeconds(10)).until(() -> run.stats().snapshot().ok() >= 5);
      run.stop();

      assertThat(result.get(10, TimeUnit.SECONDS).ok()).isGreaterThanOrEqualTo(5);
      assertThat(out.toString(StandardCharsets.UTF_8))
          .contains("for ever (Ctrl-C stops)", "(done)");
    }
  }
}
