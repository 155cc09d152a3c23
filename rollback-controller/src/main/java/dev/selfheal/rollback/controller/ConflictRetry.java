package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.decide.Trigger;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a resourceVersion conflict (HTTP 409) by running observe → decide → act again, a bounded
 * number of times with exponential, jittered backoff; gives up with a retryable outcome when the
 * Deployment keeps changing.
 */
final class ConflictRetry {

  private static final Logger LOG = LoggerFactory.getLogger(ConflictRetry.class);

  /** One observe → decide → act pass; {@code conflict} asks for another. */
  record Attempt(Outcome outcome, boolean conflict) {

    /** A pass that ended with an outcome. */
    static Attempt done(Outcome outcome) {
      return new Attempt(outcome, false);
    }

    /** A pass whose write met a conflict: read and decide again. */
    static Attempt conflicted() {
      return new Attempt(null, true);
    }
  }

  private final Retry retry;

  /**
   * Creates the retry.
   *
   * @param attempts passes per trigger when each ends in a conflict
   * @param firstBackoff wait before the second pass (doubled, with jitter, for each further one)
   */
  ConflictRetry(int attempts, Duration firstBackoff) {
    this.retry =
        Retry.of(
            "conflict",
            RetryConfig.<Attempt>custom()
                .maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0))
                .retryOnResult(Attempt::conflict)
                .build());
  }

  /** Runs {@code pass} until it ends without a conflict or the attempts are used up. */
  Outcome run(Trigger trigger, Supplier<Attempt> pass) {
    Attempt last = retry.executeSupplier(pass);
    if (!last.conflict()) {
      return last.outcome();
    }
    int attempts = retry.getRetryConfig().getMaxAttempts();
    LOG.warn(
        "Giving up on {} after {} conflicts: the Deployment keeps changing",
        trigger.describe(),
        attempts);
    return Outcome.failed(
        trigger,
        "the Deployment changed during each of "
            + attempts
            + " attempts (HTTP 409); the next notification decides again");
  }
}
