package dev.selfheal.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StopOnShutdownTest {

  private final AtomicInteger stops = new AtomicInteger();

  @Test
  void afterANormalEndTheHookReturnsAtOnce() {
    StopOnShutdown hook = new StopOnShutdown(stops::incrementAndGet, Duration.ofSeconds(10));
    hook.finished();

    long started = System.nanoTime();
    hook.run();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    assertThat(stops).hasValue(1);
  }

  @Test
  void onCtrlCItStopsTheRunAndWaitsForTheSummary() {
    StopOnShutdown hook = new StopOnShutdown(stops::incrementAndGet, Duration.ofSeconds(30));

    CompletableFuture<Void> running = CompletableFuture.runAsync(hook);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stops).hasValue(1));
    assertThat(running).isNotDone();
    hook.finished();
    await().atMost(Duration.ofSeconds(5)).until(running::isDone);
  }

  @Test
  void givesUpWaitingAfterTheSummaryWait() {
    StopOnShutdown hook = new StopOnShutdown(stops::incrementAndGet, Duration.ofMillis(200));

    long started = System.nanoTime();
    hook.run();

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200))
        .isLessThan(Duration.ofSeconds(5));
  }
}
