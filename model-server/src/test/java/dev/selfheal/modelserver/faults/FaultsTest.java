package dev.selfheal.modelserver.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultsTest {

  @Test
  void describeNamesEveryFaultForTheStartUpLog() {
    FaultConfig config =
        new FaultConfig(
            Duration.ofSeconds(60),
            Duration.ofMillis(50),
            0.25,
            Path.of("/tmp/u"),
            Path.of("/tmp/h"));

    assertThat(config.describe())
        .isEqualTo(
            "stall after 60000 ms, added latency 50 ms, error rate 0.25,"
                + " unready file /tmp/u, unhealthy file /tmp/h");
    assertThat(FaultConfig.none().describe()).startsWith("stall after never, added latency 0 ms");
  }

  @Test
  void stallTripsExactlyAtTheConfiguredDelay() {
    MutableClock clock = new MutableClock();
    FaultSchedule schedule = new FaultSchedule(clock, clock.instant(), Duration.ofSeconds(60));

    assertThat(schedule.stalled()).isFalse();
    assertThat(schedule.untilStall()).isEqualTo(Duration.ofSeconds(60));
    clock.advance(Duration.ofMillis(59_999));
    assertThat(schedule.stalled()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(schedule.stalled()).isTrue();
    assertThat(schedule.untilStall()).isZero();
    clock.advance(Duration.ofHours(5));
    assertThat(schedule.stalled()).isTrue();
  }

  @Test
  void zeroDelayMeansNoStallEver() {
    MutableClock clock = new MutableClock();
    FaultSchedule schedule = new FaultSchedule(clock, clock.instant(), Duration.ZERO);
    clock.advance(Duration.ofDays(300));
    assertThat(schedule.stalled()).isFalse();
    assertThat(schedule.untilStall()).isNull();
  }

  @Test
  void errorScheduleFailsAnExactEvenlySpreadFraction() {
    ErrorSchedule quarter = new ErrorSchedule(0.25);
    boolean[] fails = new boolean[12];
    for (int i = 0; i < fails.length; i++) {
      fails[i] = quarter.nextFails();
    }
    assertThat(fails)
        .containsExactly(
            false, false, false, true, false, false, false, true, false, false, false, true);

    ErrorSchedule third = new ErrorSchedule(1 / 3.0);
    assertThat(IntStream.range(0, 300).filter(i -> third.nextFails()).count()).isEqualTo(100);
    assertThat(new ErrorSchedule(0).nextFails()).isFalse();
    assertThat(new ErrorSchedule(1).nextFails()).isTrue();
    assertThatIllegalArgumentException().isThrownBy(() -> new ErrorSchedule(1.1));
  }

  @Test
  void injectorStallsEveryCallerOnceTrippedUntilReleased() throws Exception {
    MutableClock clock = new MutableClock();
    FaultConfig config =
        new FaultConfig(
            Duration.ofSeconds(10), Duration.ZERO, 0, Path.of("/nonexistent/a"), Path.of("/b"));
    FaultInjector injector = new FaultInjector(config, clock, clock.instant());

    injector.beforeServing(); // before the stall: returns at once
    clock.advance(Duration.ofSeconds(10));
    assertThat(injector.stalled()).isTrue();

    CompletableFuture<Void> stuck =
        CompletableFuture.runAsync(
            () -> {
              try {
                injector.beforeEvaluation();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> !stuck.isDone());
    injector.release();
    await().atMost(Duration.ofSeconds(5)).until(stuck::isDone);
  }

  @Test
  void injectorInjectsErrorsOnServedPredictionsOnly() throws Exception {
    MutableClock clock = new MutableClock();
    FaultConfig config =
        new FaultConfig(Duration.ZERO, Duration.ZERO, 1.0, Path.of("/a"), Path.of("/b"));
    FaultInjector injector = new FaultInjector(config, clock, clock.instant());

    injector.beforeEvaluation();
    assertThatExceptionOfType(InjectedFaultException.class)
        .isThrownBy(injector::beforeServing)
        .withMessageContaining("FAULT_ERROR_RATE");
  }

  @Test
  void faultConfigValidatesAndKnowsTheReleaseDefaults() {
    assertThat(FaultConfig.defaultStallAfter("v2.0")).isEqualTo(Duration.ofSeconds(60));
    assertThat(FaultConfig.defaultStallAfter("v1.0")).isZero();
    assertThat(FaultConfig.none().stallEnabled()).isFalse();
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                new FaultConfig(
                    Duration.ofSeconds(-1), Duration.ZERO, 0, Path.of("/a"), Path.of("/b")))
        .withMessageContaining("FAULT_STALL_AFTER_SECONDS");
  }

  @Test
  void probeFilesFollowTheFileSystem(@TempDir Path dir) throws Exception {
    ProbeFiles files = new ProbeFiles(dir.resolve("unready"), dir.resolve("unhealthy"));
    assertThat(files.unready()).isFalse();
    assertThat(files.unhealthy()).isFalse();

    Files.createFile(dir.resolve("unready"));
    assertThat(files.unready()).isTrue();
    assertThat(files.unhealthy()).isFalse();

    Files.delete(dir.resolve("unready"));
    Files.createFile(dir.resolve("unhealthy"));
    assertThat(files.unready()).isFalse();
    assertThat(files.unhealthy()).isTrue();
  }
}
