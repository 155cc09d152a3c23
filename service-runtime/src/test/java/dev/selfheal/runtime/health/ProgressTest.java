package dev.selfheal.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.selfheal.testsupport.time.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final MutableClock clock = new MutableClock();

  private Progress progress() {
    return Progress.builder("progress")
        .stallAfter(Duration.ofSeconds(5))
        .stalledMeans("inference is stuck")
        .clock(clock)
        .build();
  }

  @Test
  void passesUpToTheThresholdAndFailsJustAfterIt() {
    Progress progress = progress();
    assertThat(progress.check())
        .isEqualTo(Check.passing("progress", "last progress 0 ms ago (limit 5000 ms)"));

    clock.advance(Duration.ofSeconds(5));
    assertThat(progress.stalled()).isFalse();
    assertThat(progress.check().pass()).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(progress.stalled()).isTrue();
    assertThat(progress.age()).isEqualTo(Duration.ofMillis(5001));
    assertThat(progress.check())
        .isEqualTo(
            Check.failing(
                "progress", "last progress 5001 ms ago (limit 5000 ms): inference is stuck"));
  }

  @Test
  void aBeatMakesItFreshAgain() {
    Progress progress = progress();
    clock.advance(Duration.ofSeconds(60));
    assertThat(progress.check().pass()).isFalse();

    progress.beat();
    assertThat(progress.check().pass()).isTrue();
    assertThat(progress.age()).isZero();
  }

  @Test
  void anIdleWorkerPassesUntilItBeatsAgain() {
    Progress progress = progress();
    progress.idle();
    clock.advance(Duration.ofMinutes(10));
    assertThat(progress.stalled()).isFalse();
    assertThat(progress.check()).isEqualTo(Check.passing("progress", "idle: no progress expected"));

    progress.beat();
    assertThat(progress.check().pass()).isTrue();
    clock.advance(Duration.ofSeconds(6));
    assertThat(progress.check().pass()).isFalse();
  }

  @Test
  void theDefaultReasonSaysStalled() {
    Progress progress =
        Progress.builder("watch").stallAfter(Duration.ofMillis(10)).clock(clock).build();
    clock.advance(Duration.ofMillis(11));
    assertThat(progress.check().reason()).endsWith("(limit 10 ms): stalled");
    assertThat(progress.stallAfter()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void aThresholdIsRequiredAndPositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Progress.builder("watch").build())
        .withMessage("progress 'watch' needs a positive stall threshold, got null");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Progress.builder("watch").stallAfter(Duration.ZERO).build())
        .withMessage("progress 'watch' needs a positive stall threshold, got PT0S");
  }

  @Test
  void theMonotonicDefaultStartsFresh() {
    Progress progress = Progress.builder("watch").stallAfter(Duration.ofMinutes(1)).build();
    assertThat(progress.stalled()).isFalse();
    assertThat(progress.age()).isLessThan(Duration.ofMinutes(1));
  }
}
