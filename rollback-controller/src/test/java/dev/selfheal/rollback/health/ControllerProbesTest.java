package dev.selfheal.rollback.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.runtime.health.ProbeHandler;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.http.Json;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Workers;
import dev.selfheal.testsupport.time.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's probes with an injected clock: a stalled watch worker or an alert worker stuck
 * on one delivery fails liveness with a reason naming it, an idle one does not, and readiness keeps
 * the controller's own body.
 */
class ControllerProbesTest {
  private static final Duration STALL = Duration.ofSeconds(60);

  private final MutableClock clock = new MutableClock();
  private final Progress watch =
      Progress.builder("watch_worker")
          .stallAfter(STALL)
          .stalledMeans("watch worker stuck")
          .clock(clock)
          .build();
  private final BusyWorkers busy = new BusyWorkers("alert_workers", STALL, clock);
  private final ProbeHandler liveness = new ProbeHandler(ControllerProbes.liveness(watch, busy));
  private final ThreadPoolExecutor alerts = Workers.bounded("alerts", 2, 4);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    alerts.shutdownNow();
  }

  private static JsonNode body(Reply reply) {
    return Json.mapper().valueToTree(reply.json());
  }

  private static JsonNode check(Reply reply, String name) {
    for (JsonNode check : body(reply).path("checks")) {
      if (check.path("name").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + reply.json());
  }

  @Test
  void aWatchWorkerThatBeatsIsAliveAndOneStalledPastTheThresholdIsNot() {
    clock.advance(STALL);
    Reply atThreshold = liveness.handle(null);
    assertThat(atThreshold.status()).isEqualTo(200);
    assertThat(body(atThreshold).path("status").asText()).isEqualTo("alive");
    assertThat(body(atThreshold).path("checks")).hasSize(2);

    clock.advance(Duration.ofSeconds(1));
    Reply stalled = liveness.handle(null);
    assertThat(stalled.status()).isEqualTo(503);
    assertThat(body(stalled).path("status").asText()).isEqualTo("dead");
    assertThat(check(stalled, "watch_worker").path("pass").asBoolean()).isFalse();
    assertThat(check(stalled, "watch_worker").path("reason").asText())
        .isEqualTo("last progress 61000 ms ago (limit 60000 ms): watch worker stuck");
    assertThat(check(stalled, "alert_workers").path("pass").asBoolean()).isTrue();

    watch.beat();
    assertThat(liveness.handle(null).status()).isEqualTo(200);
  }

  @Test
  void anIdleWatchWorkerStaysAliveHoweverLongItWaits() {
    watch.idle();
    clock.advance(Duration.ofHours(1));
    Reply idle = liveness.handle(null);
    assertThat(idle.status()).isEqualTo(200);
    assertThat(check(idle, "watch_worker").path("reason").asText()).startsWith("idle");
    assertThat(check(idle, "alert_workers").path("reason").asText()).isEqualTo("no task running");
  }

  @Test
  void anAlertWorkerBusyOnOneTaskPastTheThresholdFailsLivenessNamingIt() {
    Executor tracked = busy.track(alerts);
    AtomicBoolean started = new AtomicBoolean();
    tracked.execute(
        () -> {
          started.set(true);
          awaitRelease();
        });
    await().atMost(Duration.ofSeconds(5)).untilTrue(started);
    watch.idle();

    clock.advance(STALL);
    Reply busyButInTime = liveness.handle(null);
    assertThat(busyButInTime.status()).isEqualTo(200);
    assertThat(check(busyButInTime, "alert_workers").path("reason").asText())
        .isEqualTo("alerts-1 busy on one task for 60000 ms (limit 60000 ms)");

    clock.advance(Duration.ofMillis(1500));
    Reply stuck = liveness.handle(null);
    assertThat(stuck.status()).isEqualTo(503);
    assertThat(check(stuck, "alert_workers").path("pass").asBoolean()).isFalse();
    assertThat(check(stuck, "alert_workers").path("reason").asText())
        .isEqualTo("alerts-1 busy on one task for 61500 ms (limit 60000 ms): worker stuck");

    // The other worker still serves, and the stuck one is alive again once its task ends.
    AtomicBoolean ranOnTheOther = new AtomicBoolean();
    tracked.execute(() -> ranOnTheOther.set(Thread.currentThread().getName().equals("alerts-2")));
    await().atMost(Duration.ofSeconds(5)).untilTrue(ranOnTheOther);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> liveness.handle(null).status() == 200);
  }

  @Test
  void aFullPoolStillRefusesThroughTheTracker() {
    ThreadPoolExecutor one = Workers.bounded("alerts-full", 1, 0);
    try {
      Executor tracked = busy.track(one);
      tracked.execute(this::awaitRelease);
      await().atMost(Duration.ofSeconds(5)).until(() -> one.getActiveCount() == 1);
      assertThatExceptionOfType(RejectedExecutionException.class)
          .isThrownBy(() -> tracked.execute(() -> {}));
    } finally {
      release.countDown();
      one.shutdownNow();
    }
  }

  @Test
  void readinessKeepsTheControllersBodyAndSaysWhyItIsNotReady() {
    AtomicBoolean leading = new AtomicBoolean();
    AtomicBoolean synced = new AtomicBoolean();
    ProbeHandler ready =
        new ProbeHandler(
            ControllerProbes.readiness(leading::get, synced::get, () -> "standby: not elected"));

    Reply standby = ready.handle(null);
    assertThat(standby.status()).isEqualTo(503);
    assertThat(standby.json())
        .isEqualTo(
            Map.of(
                "ready", false,
                "leader", false,
                "watchSynced", false,
                "reason", "standby: not elected"));

    leading.set(true);
    Reply syncing = ready.handle(null);
    assertThat(syncing.status()).isEqualTo(503);
    assertThat(syncing.json())
        .isEqualTo(
            Map.of(
                "ready", false,
                "leader", true,
                "watchSynced", false,
                "reason", "watch caches not synced yet"));

    synced.set(true);
    Reply leader = ready.handle(null);
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.json()).isEqualTo(Map.of("ready", true, "leader", true, "watchSynced", true));
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
