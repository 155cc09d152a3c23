package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.RawClient;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many connections scrape {@code /metrics} as fast as they can while the kubelet probes {@code
 * /health}. Rendering is slow here on purpose (30 ms, a large registry on a throttled pod): when it
 * ran on the event loops, every probe queued behind the scrapes of its loop and took seconds. Now
 * the probes answer within their timeout, the scrapes that wait share one rendering, and every
 * answer was rendered after its request arrived.
 */
class MetricsFloodTest {
  private static final int SCRAPERS = 48;
  private static final Duration RENDER = Duration.ofMillis(30);
  private static final Pattern SCRAPES_SENT =
      Pattern.compile("^flood_scrapes_sent_total (\\S+)$", Pattern.MULTILINE);

  private final ExecutorService clients = Executors.newFixedThreadPool(SCRAPERS);
  private final AtomicInteger renders = new AtomicInteger();
  private final AtomicBoolean flooding = new AtomicBoolean(true);
  private Counter sent;
  private HttpService service;

  @BeforeEach
  void start() {
    PrometheusRegistry registry = new PrometheusRegistry();
    sent = Counter.builder().name("flood_scrapes_sent").register(registry);
    registry.register(
        () -> {
          // The cost of rendering a large registry on a throttled CPU.
          LockSupport.parkNanos(RENDER.toNanos());
          return GaugeSnapshot.builder()
              .name("flood_renders")
              .dataPoint(
                  GaugeSnapshot.GaugeDataPointSnapshot.builder()
                      .value(renders.incrementAndGet())
                      .build())
              .build();
        });
    service =
        HttpService.builder()
            .port(0, "PORT")
            .eventLoops(2)
            .routes(
                Routes.of(
                    Route.get("/health", r -> Reply.json(200, Map.of("status", "alive"))),
                    MetricsEndpoint.route(registry)))
            .start();
  }

  @AfterEach
  void stop() {
    flooding.set(false);
    clients.shutdownNow();
    service.close();
  }

  @Test
  void probesAnswerDuringAScrapeFloodAndEveryScrapeIsFresh() throws Exception {
    int port = service.port();
    AtomicInteger answered = new AtomicInteger();
    Queue<String> stale = new ConcurrentLinkedQueue<>();
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < SCRAPERS; i++) {
      clients.submit(() -> scrapeInALoop(port, answered, stale, wrong));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() >= SCRAPERS);

    List<Long> probeMillis = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      String answer;
      try (RawClient probe = new RawClient(port)) {
        answer =
            probe
                .send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .readToClose();
      }
      probeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      assertThat(answer).startsWith("HTTP/1.1 200");
    }
    flooding.set(false);

    assertThat(probeMillis)
        .as("probe times (ms), the kubelet's timeout being 1 s")
        .allMatch(ms -> ms < 1000);
    assertThat(stale).as("answers rendered before their request was sent").isEmpty();
    assertThat(wrong).as("answers other than 200 or the JSON 503").isEmpty();
    assertThat(renders.get())
        .as("renderings for %d answers", answered.get())
        .isLessThan(answered.get() / 2);
  }

  /** Counts a scrape as sent, then checks the answer includes it: it was rendered afterwards. */
  private void scrapeInALoop(
      int port, AtomicInteger answered, Queue<String> stale, Queue<String> wrong) {
    try (RawClient client = new RawClient(port)) {
      while (flooding.get()) {
        sent.inc();
        double mine = sent.get();
        String answer = client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        if (answer.startsWith("HTTP/1.1 503") && answer.contains("\"code\":\"overloaded\"")) {
          continue;
        }
        Matcher seen = SCRAPES_SENT.matcher(answer);
        if (!answer.startsWith("HTTP/1.1 200") || !seen.find()) {
          wrong.add(answer.lines().findFirst().orElse(""));
          return;
        }
        if (Double.parseDouble(seen.group(1)) < mine) {
          stale.add(seen.group(1) + " < " + mine);
        }
        answered.incrementAndGet();
      }
    } catch (Exception e) {
      if (flooding.get()) {
        wrong.add(e.toString());
      }
    }
  }
}
