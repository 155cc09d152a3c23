package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the watchdog declares the model stuck, every request waiting on it (parked on a worker or
 * queued) is answered 503 {@code model_stuck} at once, though no other request arrives, and the
 * answers count as errors where an operator looks.
 */
class StuckModelAnswersTest {
  private static final String V2 = "{version=\"v2.0\"}";
  // Long enough that, on a loaded CI machine, all ten requests reach the pool before the verdict.
  private static final Duration LIVENESS_TIMEOUT = Duration.ofSeconds(6);
  private static final Duration HEARTBEAT = Duration.ofMillis(100);
  // The FAULT_STALL_AFTER_SECONDS below, as a duration.
  private static final Duration STALL_AFTER = Duration.ofSeconds(2);

  @TempDir Path dir;

  @Test
  void inFlightAndQueuedRequestsAreAnsweredWhenTheWatchdogFires() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "MODEL_VERSION", "v2.0",
                "FAULT_STALL_AFTER_SECONDS", "2",
                "HEARTBEAT_INTERVAL_MS", Long.toString(HEARTBEAT.toMillis()),
                "LIVENESS_TIMEOUT_SECONDS", Long.toString(LIVENESS_TIMEOUT.toSeconds()),
                "PREDICT_THREADS", "2",
                "PREDICT_QUEUE_CAPACITY", "8"),
            TestServer::realModel,
            dir)) {
      // The server counts the stall from the start of its start-up, on the same system clock, so
      // from this instant on the stall is due and stays due: every prediction parks on the model.
      Instant stalledBy = Instant.now().plus(STALL_AFTER);
      double errorsBefore = server.metric("model_errors_total" + V2);
      await()
          .atMost(STALL_AFTER.plusSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !Instant.now().isBefore(stalledBy));
      // Two park on the workers, eight wait in the queue.
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        waiting.add(server.postAsync("/predict", TestServer.VALID_BODY));
      }
      // All ten reached the pool before the verdict (queued, not refused at the door): after the
      // verdict a request is answered at once, so the count could not reach ten.
      await()
          .atMost(LIVENESS_TIMEOUT)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> server.server().inFlight() == 10);

      // No request is sent from here on: the watchdog alone must answer them all. A parked request
      // has no other way out before close, so the bound only keeps a broken watchdog from hanging
      // the build.
      await()
          .atMost(LIVENESS_TIMEOUT.plusSeconds(30))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> waiting.stream().allMatch(CompletableFuture::isDone));

      for (CompletableFuture<HttpResponse<String>> future : waiting) {
        HttpResponse<String> answer = future.get();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        JsonNode body = TestServer.json(answer);
        assertThat(body.get("code").asText()).isEqualTo("model_stuck");
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
      }
      assertThat(server.server().inFlight()).isZero();
      assertThat(server.get("/health").statusCode()).isEqualTo(503);
      // Every stuck answer is a failed request for model_errors_total and model_error_rate.
      assertThat(server.metric("model_errors_total" + V2) - errorsBefore).isEqualTo(10);
      assertThat(server.metric("model_error_rate" + V2)).isPositive();

      // New requests are refused at once, and counted the same way.
      HttpResponse<String> late = server.postJson("/predict", TestServer.VALID_BODY);
      assertThat(TestServer.json(late).get("code").asText()).isEqualTo("model_stuck");
      assertThat(server.metric("model_errors_total" + V2) - errorsBefore).isEqualTo(11);
    }
  }
}
