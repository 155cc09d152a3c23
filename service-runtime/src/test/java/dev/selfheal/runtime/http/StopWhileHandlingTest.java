package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.RawClient;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A handler on a worker thread that finishes after the server has stopped (a drain that ran out of
 * time, or {@code close()}) has nobody left to answer: its answer is dropped quietly rather than
 * thrown on the worker thread, where it would kill the thread and, in a test, fail whichever test
 * waits next.
 */
class StopWhileHandlingTest {
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final Queue<Throwable> thrown = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void anAnswerDueAfterTheServerStoppedIsDroppedNotThrown() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    Executor recording =
        task ->
            pool.execute(
                () -> {
                  try {
                    task.run();
                  } catch (RuntimeException | Error e) {
                    thrown.add(e);
                  } finally {
                    finished.set(true);
                  }
                });
    HttpService service =
        HttpService.builder()
            .port(0, "PORT")
            .routes(
                Routes.of(
                    Route.get(
                            "/slow",
                            r -> {
                              started.countDown();
                              release.await(10, TimeUnit.SECONDS);
                              return Reply.json(200, Map.of("done", true));
                            })
                        .on(recording)))
            .start();
    try (RawClient client = new RawClient(service.port())) {
      client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      service.close();
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).untilTrue(finished);
      assertThat(client.closedByServer()).isTrue();
    }
    assertThat(thrown).isEmpty();
  }
}
