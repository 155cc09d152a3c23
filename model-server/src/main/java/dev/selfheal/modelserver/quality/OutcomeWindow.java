package dev.selfheal.modelserver.quality;

/**
 * The last {@code capacity} yes/no outcomes (a ring buffer) and the fraction that were "yes". Used
 * for both accuracy (was the prediction correct?) and error rate (did serving fail?). Thread-safe.
 */
public final class OutcomeWindow {
  private final boolean[] outcomes;
  private int next;
  private int size;
  private int positives;

  /** Creates an empty window holding at most {@code capacity} outcomes. */
  public OutcomeWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.outcomes = new boolean[capacity];
  }

  /** Adds one outcome, evicting the oldest when full. */
  public synchronized void add(boolean positive) {
    if (size == outcomes.length) {
      if (outcomes[next]) {
        positives--;
      }
    } else {
      size++;
    }
    outcomes[next] = positive;
    if (positive) {
      positives++;
    }
    next = (next + 1) % outcomes.length;
  }

  /** Fraction of positive outcomes in the window, or NaN while it is empty. */
  public synchronized double ratio() {
    return size == 0 ? Double.NaN : (double) positives / size;
  }

  /** Number of outcomes currently held. */
  public synchronized int size() {
    return size;
  }
}
