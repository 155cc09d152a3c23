package dev.selfheal.modelserver.quality;

/** Mean of the last {@code capacity} latencies, for the {@code model_latency_ms} gauge. */
public final class LatencyWindow {
  private final double[] values;
  private int next;
  private int size;
  private double sum;

  /** Creates an empty window of the given capacity. */
  public LatencyWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.values = new double[capacity];
  }

  /** Records one latency in milliseconds. */
  public synchronized void add(double millis) {
    if (size == values.length) {
      sum -= values[next];
    } else {
      size++;
    }
    values[next] = millis;
    sum += millis;
    next = (next + 1) % values.length;
  }

  /** Mean of the window in milliseconds; 0 while empty (nothing served, nothing slow). */
  public synchronized double mean() {
    // Re-summing would cost O(n); the running sum is exact enough for a gauge, clamp float drift.
    return size == 0 ? 0 : Math.max(0, sum / size);
  }
}
