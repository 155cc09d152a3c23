package dev.selfheal.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.time.MutableClock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerHeartbeatTest {
  private final MutableClock clock = new MutableClock();
  private final Progress progress =
      Progress.builder("workers").stallAfter(Duration.ofSeconds(10)).clock(clock).build();

  @Test
  void beatsThroughThePoolAndStopsWhenThePoolRefuses() {
    AtomicBoolean refusing = new AtomicBoolean();
    AtomicInteger refused = new AtomicInteger();
    Executor pool =
        task -> {
          if (refusing.get()) {
            refused.incrementAndGet();
            throw new RejectedExecutionException("full");
          }
          task.run();
        };
    try (WorkerHeartbeat heartbeat =
        new WorkerHeartbeat(pool, Duration.ofMillis(10), progress, "test-heartbeat")) {
      assertThat(heartbeat.progress()).isSameAs(progress);
      heartbeat.start();
      clock.advance(Duration.ofSeconds(30));
      // A beat through the pool makes the stale progress fresh.
      await().atMost(Duration.ofSeconds(5)).until(() -> progress.check().pass());

      refusing.set(true);
      // One refusal first: the single timer thread has then finished any beat in flight.
      await().atMost(Duration.ofSeconds(5)).until(() -> refused.get() >= 1);
      clock.advance(Duration.ofSeconds(30));
      // Refused beats are not progress: it stays stalled however often the timer fires.
      int before = refused.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> refused.get() >= before + 3);
      assertThat(progress.stalled()).isTrue();

      refusing.set(false);
      await().atMost(Duration.ofSeconds(5)).until(() -> !progress.stalled());
    }
  }
}
