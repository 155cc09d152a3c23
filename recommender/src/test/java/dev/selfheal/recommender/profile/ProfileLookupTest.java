package dev.selfheal.recommender.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.config.RecommenderConfig.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProfileLookupTest {

  private static final BreakerSettings SETTINGS =
      new BreakerSettings(50, 4, 2, Duration.ofMillis(200), 2);

  @Test
  void breakerConfigFollowsSettings() {
    CircuitBreakerConfig config = ProfileBreakerFactory.config(SETTINGS);
    assertThat(config.getSlidingWindowType())
        .isEqualTo(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
    assertThat(config.getSlidingWindowSize()).isEqualTo(4);
    assertThat(config.getMinimumNumberOfCalls()).isEqualTo(2);
    assertThat(config.getFailureRateThreshold()).isEqualTo(50f);
    assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
    assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isFalse();
    assertThat(config.getRecordExceptionPredicate().test(new HttpTimeoutException("t"))).isTrue();
    assertThat(config.getRecordExceptionPredicate().test(new ProfileApiException("500"))).isTrue();
  }

  @Test
  void opensOnFailuresRejectsWithoutCallingThenRecoversThroughHalfOpen() {
    AtomicReference<IOException> failure = new AtomicReference<>(new ConnectException("refused"));
    int[] calls = {0};
    ProfileClient client =
        user -> {
          calls[0]++;
          if (failure.get() != null) {
            throw failure.get();
          }
          return new UserProfile(user, List.of("item-1"));
        };
    CircuitBreaker breaker = ProfileBreakerFactory.create(SETTINGS);
    PrometheusRegistry registry = new PrometheusRegistry();
    ProfileLookup lookup = new ProfileLookup(client, breaker, registry);

    assertThat(lookup.lookup("u1").reason()).isEqualTo("profile_error");
    assertThat(lookup.lookup("u1").status()).isEqualTo(ProfileOutcome.Status.UNAVAILABLE);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

    int before = calls[0];
    assertThat(lookup.lookup("u1").reason()).isEqualTo("circuit_open");
    assertThat(calls[0]).as("no call while open").isEqualTo(before);

    failure.set(null);
    await()
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> assertThat(lookup.lookup("u1").status()).isEqualTo(ProfileOutcome.Status.FOUND));
    assertThat(lookup.lookup("u1").status()).isEqualTo(ProfileOutcome.Status.FOUND);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

    assertThat(registry.scrape().stream().map(m -> m.getMetadata().getName()))
        .contains(
            "recommender_profile_calls",
            "recommender_profile_circuit_transitions",
            "recommender_profile_circuit_state");
  }

  @Test
  void timeoutsAndUnknownUsersAreClassified() {
    CircuitBreaker breaker = ProfileBreakerFactory.create(SETTINGS);
    ProfileLookup timeouts =
        new ProfileLookup(
            user -> {
              throw new HttpTimeoutException("slow");
            },
            breaker,
            new PrometheusRegistry());
    assertThat(timeouts.lookup("u").reason()).isEqualTo("profile_timeout");

    CircuitBreaker healthy = ProfileBreakerFactory.create(SETTINGS);
    ProfileLookup unknown =
        new ProfileLookup(
            user -> {
              throw new UnknownUserException(user);
            },
            healthy,
            new PrometheusRegistry());
    for (int i = 0; i < 5; i++) {
      assertThat(unknown.lookup("cold-1").status()).isEqualTo(ProfileOutcome.Status.UNKNOWN_USER);
    }
    assertThat(healthy.getState())
        .as("404 is a healthy answer")
        .isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void interruptionIsRestoredAndReleasesThePermission() {
    CircuitBreaker breaker = ProfileBreakerFactory.create(SETTINGS);
    ProfileLookup lookup =
        new ProfileLookup(
            user -> {
              throw new InterruptedException();
            },
            breaker,
            new PrometheusRegistry());
    assertThat(lookup.lookup("u").reason()).isEqualTo("interrupted");
    assertThat(Thread.interrupted()).isTrue();
    assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).isZero();
  }
}
