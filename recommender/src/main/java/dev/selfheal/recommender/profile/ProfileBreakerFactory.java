package dev.selfheal.recommender.profile;

import dev.selfheal.recommender.config.RecommenderConfig.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;

/** Builds the circuit breaker in front of the profile API from {@link BreakerSettings}. */
public final class ProfileBreakerFactory {

  /** Breaker name, shown in logs. */
  public static final String NAME = "profile-api";

  private ProfileBreakerFactory() {}

  /**
   * The breaker configuration: count-based window, transport and HTTP errors (and timeouts)
   * recorded.
   */
  public static CircuitBreakerConfig config(BreakerSettings settings) {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(settings.windowSize())
        .minimumNumberOfCalls(settings.minimumCalls())
        .failureRateThreshold(settings.failureRatePercent())
        .waitDurationInOpenState(settings.openDuration())
        .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
        // Half-open is entered by the first request after the wait; no timer thread needed, and an
        // idle pod
        // does not probe a dead API for nothing.
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        // HttpTimeoutException and ProfileApiException are IOExceptions.
        .recordExceptions(IOException.class)
        .build();
  }

  /** A new breaker. */
  public static CircuitBreaker create(BreakerSettings settings) {
    return CircuitBreaker.of(NAME, config(settings));
  }
}
