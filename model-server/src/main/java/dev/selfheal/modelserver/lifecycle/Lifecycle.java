package dev.selfheal.modelserver.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's current {@link Phase}; transitions are one-way and logged. */
public final class Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);

  /** The current phase. */
  public Phase phase() {
    return phase.get();
  }

  /**
   * Moves to {@code next} if it is later than the current phase.
   *
   * @return true when this call made the transition
   */
  public boolean advanceTo(Phase next) {
    Phase current;
    do {
      current = phase.get();
      if (current.compareTo(next) >= 0) {
        return false;
      }
    } while (!phase.compareAndSet(current, next));
    LOG.info("Lifecycle {} -> {}", current, next);
    return true;
  }
}
