package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.testsupport.PipelineFlood;
import dev.selfheal.testsupport.RawClient;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One connection pipelines 8,000 {@code GET /metrics} (about 250 KB) through a 4 KiB receive buffer
 * and never reads. The server must not answer (and buffer) them all: probes keep answering within 1
 * s, direct memory stays within a generous bound, and the attacker's connection is closed.
 */
class PipelineFloodTest {
  /** Far below what 8,000 buffered answers of ~25 KB take (about 200 MB), far above one answer. */
  private static final long DIRECT_MEMORY_BOUND = 48L * 1024 * 1024;

  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpService service;

  @BeforeEach
  void start() {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter counter =
        Counter.builder().name("flood_test_events").labelNames("kind").register(registry);
    for (int i = 0; i < 300; i++) {
      counter.labelValues("kind-number-" + i).inc(i);
    }
    service =
        HttpService.builder()
            .port(0, "PORT")
            .routes(
                Routes.of(
                    Route.get("/health", r -> Reply.json(200, Map.of("status", "alive"))),
                    MetricsEndpoint.route(registry),
                    Route.get(
                            "/slow",
                            r -> {
                              release.await(1, TimeUnit.SECONDS);
                              return Reply.json(200, Map.of("done", true));
                            })
                        .on(worker)))
            .start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    service.close();
    worker.shutdownNow();
  }

  @Test
  void aFewPipelinedRequestsAreAllAnsweredInOrder() throws Exception {
    try (RawClient client = new RawClient(service.port())) {
      client.send(
          PipelineFlood.get("/health").repeat(5)
              + PipelineFlood.get("/nope")
              + PipelineFlood.get("/health").repeat(4));
      for (int i = 0; i < 10; i++) {
        assertThat(client.readResponse()).startsWith(i == 5 ? "HTTP/1.1 404" : "HTTP/1.1 200");
      }
    }
  }

  @Test
  void morePipelinedRequestsThanTheCapGetTheJson429AndAClose() throws Exception {
    try (RawClient client = new RawClient(service.port())) {
      client.send(
          PipelineFlood.get("/slow")
              + PipelineFlood.get("/health").repeat(RequestFlow.MAX_PIPELINED + 1));
      // /slow takes a second, so the excess arrives while it is being answered; the answer already
      // due still comes first.
      String answers = client.readToClose();
      assertThat(answers).startsWith("HTTP/1.1 200");
      assertThat(answers).contains("{\"done\":true}");
      assertThat(answers)
          .contains("HTTP/1.1 429 Too Many Requests")
          .contains("\"code\":\"too_many_pipelined_requests\"")
          .doesNotContain("alive");
    }
  }

  @Test
  void pipeliningClientThatNeverReadsIsBoundedAndClosed() throws Exception {
    PipelineFlood.Outcome outcome = PipelineFlood.attack(service.port(), "/metrics", "/health");
    System.out.println("Pipeline flood against the HTTP layer: " + outcome);
    assertThat(outcome.failedProbes()).as(outcome.toString()).isZero();
    assertThat(outcome.attackerClosed()).as(outcome.toString()).isTrue();
    assertThat(outcome.directMemoryGrowth()).as(outcome.toString()).isLessThan(DIRECT_MEMORY_BOUND);
  }
}
