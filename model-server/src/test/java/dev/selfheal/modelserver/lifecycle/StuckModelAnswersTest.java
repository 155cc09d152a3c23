package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.modelserver.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  @TempDir Path dir;

  /**
   * Sends predictions one at a time until one does not come back within half a second: the model
   * has stalled and that request is parked on a worker. Returns it.
   */
  static CompletableFuture<HttpResponse<String>> firstParked(TestServer server) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      CompletableFuture<HttpResponse<String>> next =
          server.postAsync("/predict", TestServer.VALID_BODY);
      try {
        HttpResponse<String> answer = next.get(500, TimeUnit.MILLISECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      } catch (java.util.concurrent.TimeoutException parked) {
        return next;
      }
    }
    throw new AssertionError("the model never stalled");
  }

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
      double errorsBefore = server.metric("model_errors_total" + V2);
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      waiting.add(firstParked(server));
      long stalledBy = System.nanoTime();
      // One more parks on the second worker, eight wait in the queue.
      for (int i = 0; i < 9; i++) {
        waiting.add(server.postAsync("/predict", TestServer.VALID_BODY));
      }
      // All ten reached the pool before the verdict (queued, not refused at the door). Half the
      // liveness timeout leaves the other half between this and the verdict.
      await()
          .atMost(LIVENESS_TIMEOUT.dividedBy(2))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> server.server().inFlight() == 10);

      // No request is sent from here on: the watchdog alone must answer them all, within the
      // liveness timeout (counted from the stall, which came before stalledBy) plus two heartbeat
      // periods and a margin for a busy machine.
      Duration limit = LIVENESS_TIMEOUT.plus(HEARTBEAT.multipliedBy(2)).plusSeconds(2);
      await()
          .atMost(limit.minusNanos(System.nanoTime() - stalledBy))
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
