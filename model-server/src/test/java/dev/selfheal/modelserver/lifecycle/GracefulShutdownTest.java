package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.modelserver.testing.FakeModel;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SIGTERM path in-process: readiness fails at once, liveness holds, in-flight work drains. */
class GracefulShutdownTest {
  @TempDir Path dir;

  @Test
  void drainsInFlightRequestsWhileReadinessFailsAndLivenessHolds() throws Exception {
    FakeModel model = new FakeModel(50, 0);
    String slow = TestServer.VALID_BODY.replace("125.5", Double.toString(FakeModel.SLOW_AMOUNT));
    try (TestServer server =
        TestServer.start(Map.of("SHUTDOWN_GRACE_SECONDS", "10"), version -> model, dir)) {
      CompletableFuture<HttpResponse<String>> inFlight = server.postAsync("/predict", slow);
      await().atMost(Duration.ofSeconds(5)).until(() -> inFlightCount(server) > 0);
      CompletableFuture<Boolean> shutdown =
          CompletableFuture.supplyAsync(() -> server.server().shutdownGracefully());

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(server.get("/ready").statusCode()).isEqualTo(503));
      HttpResponse<String> ready = server.get("/ready");
      assertThat(ready.body()).contains("shutting down");
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      assertThat(shutdown).isNotDone();
      assertThat(inFlight).isNotDone();

      model.release();
      assertThat(inFlight.get().statusCode()).isEqualTo(200);
      assertThat(shutdown.get()).isTrue();
      assertThat(server.server().phase()).isEqualTo(Phase.STOPPED);
    }
  }

  @Test
  void reportsAnUndrainedShutdownWhenGraceRunsOut() throws Exception {
    FakeModel model = new FakeModel(50, 0);
    String slow = TestServer.VALID_BODY.replace("125.5", Double.toString(FakeModel.SLOW_AMOUNT));
    try (TestServer server =
        TestServer.start(Map.of("SHUTDOWN_GRACE_SECONDS", "0.3"), version -> model, dir)) {
      CompletableFuture<HttpResponse<String>> inFlight = server.postAsync("/predict", slow);
      await().atMost(Duration.ofSeconds(5)).until(() -> inFlightCount(server) > 0);
      assertThat(server.server().shutdownGracefully()).isFalse();
      model.release();
      inFlight.handle((r, e) -> null).get();
    }
  }

  private static int inFlightCount(TestServer server) {
    return server.server().inFlight();
  }
}
