package dev.selfheal.rollback.attack;

import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.decide.Overrides;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Suspicions about annotation values that held up: odd values refuse, none lifts a global guard.
 */
class OverrideValuesHoldUpTest {

  private static RollbackPolicy policy(boolean dryRun) {
    return new RollbackPolicy(
        Set.of(NS),
        Set.of("ModelDegraded"),
        Duration.ofMinutes(10),
        1,
        2,
        Duration.ofMinutes(15),
        dryRun);
  }

  private static Deployment with(String key, String value) {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().getAnnotations().put(key, value);
    return d;
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "9999999999999999999", "1e3", "0x10", "", " ", "10s"})
  void oddNumbersAreInvalidNotGuessed(String value) {
    for (String key :
        List.of(Overrides.COOLDOWN, Overrides.ROLLOUT_WINDOW, Overrides.MAX_PER_HOUR)) {
      assertThat(Overrides.of(with(key, value), policy(false)).valid()).as(key).isEmpty();
    }
  }

  @Test
  void aHugeValueIsClippedInTheProblem() {
    Overrides.Result r = Overrides.of(with(Overrides.DRY_RUN, "x".repeat(200_000)), policy(false));
    assertThat(r.valid()).isEmpty();
    assertThat(r.problem()).hasSizeLessThan(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {" true", "true\n", "\ttrue "})
  void paddedTrueIsADryRun(String value) {
    assertThat(Overrides.of(with(Overrides.DRY_RUN, value), policy(false)).valid())
        .hasValueSatisfying(o -> assertThat(o.dryRun()).isTrue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TRUE", "yes", "1", "on"})
  void otherSpellingsOfTrueAreInvalidNotFalse(String value) {
    assertThat(Overrides.of(with(Overrides.DRY_RUN, value), policy(false)).valid()).isEmpty();
  }

  @Test
  void dryRunFalseCannotLiftTheGlobalDryRun() {
    assertThat(Overrides.of(with(Overrides.DRY_RUN, "false"), policy(true)).valid())
        .hasValueSatisfying(o -> assertThat(o.dryRun()).isTrue());
  }

  @Test
  void aLargePerDeploymentCapCannotLiftTheGlobalCap() {
    RollbackDecider decider = new RollbackDecider(policy(false));
    Instant now = Instant.parse("2026-01-10T12:00:00Z");
    assertThat(
            decider.rateLimit(
                with(Overrides.MAX_PER_HOUR, "1000"),
                List.of(now.minusSeconds(60)),
                List.of(),
                now))
        .hasValueSatisfying(d -> assertThat(d.detail()).contains("MAX_ROLLBACKS_PER_HOUR is 1"));
  }
}
