package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** A connection waits (and may be shed) only for a request head or between requests. */
class GuardStateTest {

  @Test
  void onlyHeadAndIdleAreWaiting() {
    EnumSet<GuardState> waiting = EnumSet.noneOf(GuardState.class);
    for (GuardState state : GuardState.values()) {
      if (state.waiting()) {
        waiting.add(state);
      }
    }
    assertThat(waiting).containsExactlyInAnyOrder(GuardState.HEAD, GuardState.IDLE);
  }
}
