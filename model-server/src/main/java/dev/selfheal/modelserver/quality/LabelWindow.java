package dev.selfheal.modelserver.quality;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Labelled outcomes from {@code POST /feedback}: at most {@code capacity}, none older than {@code
 * maxAge}. Old labels fall out on their own, so a burst an hour ago cannot keep deciding today's
 * accuracy, and a long quiet spell hands {@code model_accuracy} back to the golden set.
 * Thread-safe.
 */
public final class LabelWindow {
  private final int capacity;
  private final long maxAgeMillis;
  private final Clock clock;
  private final Deque<Label> labels = new ArrayDeque<>();
  private int correct;

  private record Label(long atMillis, boolean correct) {}

  /** Creates an empty window. */
  public LabelWindow(int capacity, Duration maxAge, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be > 0: " + maxAge);
    }
    this.capacity = capacity;
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
  }

  /** Adds one outcome, evicting the oldest when full. */
  public synchronized void add(boolean wasCorrect) {
    long now = clock.millis();
    expire(now);
    if (labels.size() == capacity) {
      evictOldest();
    }
    labels.addLast(new Label(now, wasCorrect));
    if (wasCorrect) {
      correct++;
    }
  }

  /** Labels in the window now. */
  public synchronized int size() {
    expire(clock.millis());
    return labels.size();
  }

  /** Fraction correct in the window now, NaN while it is empty. */
  public synchronized double ratio() {
    expire(clock.millis());
    return labels.isEmpty() ? Double.NaN : (double) correct / labels.size();
  }

  private void expire(long now) {
    while (!labels.isEmpty() && now - labels.peekFirst().atMillis() > maxAgeMillis) {
      evictOldest();
    }
  }

  private void evictOldest() {
    if (labels.removeFirst().correct()) {
      correct--;
    }
  }
}
