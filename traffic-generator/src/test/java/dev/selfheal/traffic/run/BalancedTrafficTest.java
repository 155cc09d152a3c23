package dev.selfheal.traffic.run;

import static dev.selfheal.traffic.support.RealModelServer.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.traffic.support.ConnectionBalancer;
import dev.selfheal.traffic.support.RealModelServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real model servers behind a balancer that picks a backend per connection, as a Service does.
 * Each server knows only its own prediction ids, so a feedback that reaches the other one is
 * refused (404 unknown_prediction).
 */
class BalancedTrafficTest {

  @TempDir Path temp;

  private record Run(TrafficStats.Snapshot result, double[] predictions, List<Long> connections) {}

  private Run drive(int connections, int reconnectEvery) throws Exception {
    try (RealModelServer a =
            RealModelServer.start("v1.0", Files.createDirectory(temp.resolve("a")));
        RealModelServer b =
            RealModelServer.start("v1.0", Files.createDirectory(temp.resolve("b")));
        ConnectionBalancer service = ConnectionBalancer.start(List.of(a.url(), b.url()))) {
      TrafficConfig config =
          new TrafficConfig(
              service.url(),
              100,
              Duration.ofMillis(2000),
              1.0,
              42,
              Duration.ZERO,
              Duration.ofSeconds(10),
              32,
              connections,
              reconnectEvery);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TrafficStats.Snapshot result =
          new TrafficRun(
                  config, RealModelServer.TOKEN, new PrintStream(out, true, StandardCharsets.UTF_8))
              .run();
      String requests = "model_requests_total{version=\"v1.0\"}";
      return new Run(
          result,
          new double[] {metric(a.url(), requests), metric(b.url(), requests)},
          service.connections());
    }
  }

  @Test
  void trafficReachesEveryBackendAndEveryFeedbackReachesThePodThatPredicted() throws Exception {
    Run run = drive(4, 5);

    assertThat(run.result().ok()).isGreaterThanOrEqualTo(50);
    assertThat(run.result().failed()).isZero();
    // Both backends served a fair share: the lanes reconnect, and each new connection is balanced.
    assertThat(run.predictions()[0]).isGreaterThan(run.result().ok() / 4.0);
    assertThat(run.predictions()[1]).isGreaterThan(run.result().ok() / 4.0);
    assertThat(run.connections()).allSatisfy(n -> assertThat(n).isGreaterThan(2));
    // No feedback was refused: none reached a server that had not made the prediction.
    assertThat(run.result().feedback()).containsEntry(Outcome.OK, run.result().ok());
    assertThat(run.result().feedback().getOrDefault(Outcome.REJECTED, 0L)).isZero();
  }

  @Test
  void oneConnectionThatIsNeverRenewedReachesOneBackendOnly() throws Exception {
    // What one keep-alive connection does behind a Service: the balancer never chooses again.
    Run run = drive(1, 0);

    assertThat(run.result().ok()).isPositive();
    assertThat(run.connections()).containsExactly(1L, 0L);
    assertThat(run.predictions()[1]).isZero();
    assertThat(run.result().feedback().getOrDefault(Outcome.REJECTED, 0L)).isZero();
  }
}
