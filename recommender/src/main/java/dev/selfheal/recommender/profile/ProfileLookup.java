package dev.selfheal.recommender.profile;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the profile API through the circuit breaker and never throws: every failure becomes an
 * {@link ProfileOutcome.Status#UNAVAILABLE} outcome with a bounded reason, which the recommendation
 * service turns into a degraded (popular) answer. While the breaker is open no call is made at all.
 */
public final class ProfileLookup {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileLookup.class);

  private final ProfileClient client;
  private final CircuitBreaker breaker;
  private final Counter calls;

  /**
   * @param client the raw client
   * @param breaker the breaker guarding it
   * @param registry where call and breaker metrics go
   */
  public ProfileLookup(ProfileClient client, CircuitBreaker breaker, PrometheusRegistry registry) {
    this.client = client;
    this.breaker = breaker;
    this.calls =
        Counter.builder()
            .name("recommender_profile_calls_total")
            .help("Profile API lookups by outcome (rejected = breaker open, no call made)")
            .labelNames("outcome")
            .register(registry);
    Counter transitions =
        Counter.builder()
            .name("recommender_profile_circuit_transitions_total")
            .help("Circuit breaker state transitions")
            .labelNames("from", "to")
            .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_profile_circuit_state")
        .help("Circuit breaker state in front of the profile API (1 for the current state)")
        .labelNames("state")
        .callback(
            cb -> {
              CircuitBreaker.State current = breaker.getState();
              for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
                cb.call(state == current ? 1 : 0, label(state));
              }
            })
        .register(registry);
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.StateTransition t = event.getStateTransition();
              transitions.labelValues(label(t.getFromState()), label(t.getToState())).inc();
              LOG.info("Profile API circuit breaker {} -> {}", t.getFromState(), t.getToState());
            });
  }

  /** Lower-case state name used as a label value. */
  public static String label(CircuitBreaker.State state) {
    return state.name().toLowerCase(Locale.ROOT);
  }

  /** The breaker, for status reporting. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /** Looks the user up; never throws. */
  public ProfileOutcome lookup(String user) {
    if (!breaker.tryAcquirePermission()) {
      calls.labelValues("rejected").inc();
      return ProfileOutcome.unavailable("circuit_open");
    }
    long started = System.nanoTime();
    try {
      UserProfile profile = client.fetch(user);
      breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      calls.labelValues("success").inc();
      return ProfileOutcome.found(profile);
    } catch (UnknownUserException e) {
      // A correct answer from a healthy API.
      breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      calls.labelValues("unknown_user").inc();
      return ProfileOutcome.unknown();
    } catch (HttpTimeoutException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      calls.labelValues("timeout").inc();
      LOG.debug("Profile API timed out for a lookup: {}", e.getMessage());
      return ProfileOutcome.unavailable("profile_timeout");
    } catch (IOException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      calls.labelValues("error").inc();
      LOG.debug("Profile API call failed: {}", e.toString());
      return ProfileOutcome.unavailable("profile_error");
    } catch (InterruptedException e) {
      breaker.releasePermission();
      Thread.currentThread().interrupt();
      return ProfileOutcome.unavailable("interrupted");
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      calls.labelValues("error").inc();
      LOG.warn("Unexpected profile lookup failure", e);
      return ProfileOutcome.unavailable("profile_error");
    }
  }
}
