package dev.selfheal.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How long probes took while a service was under attack. The lab's manifests give a readiness probe
 * 3 s and a liveness probe 5 s: every probe must answer well inside that, and most must be quick.
 * (The build machines are shared and noisy, so one slow probe is a scheduling hiccup; a slow median
 * is a server that waits for something.)
 */
public final class ProbeTimes {
  /** No single probe may take this long: well inside the manifests' shortest probe timeout. */
  public static final Duration WORST = Duration.ofSeconds(2);

  /** Half the probes must answer faster than this. */
  public static final Duration MEDIAN = Duration.ofMillis(250);

  private final List<Duration> times = new ArrayList<>();

  /** Times one probe. */
  public <T> T time(ThrowingSupplier<T> probe) throws Exception {
    long start = System.nanoTime();
    T result = probe.get();
    times.add(Duration.ofNanos(System.nanoTime() - start));
    return result;
  }

  /** The slowest probe. */
  public Duration worst() {
    return Collections.max(times);
  }

  /** The median probe. */
  public Duration median() {
    List<Duration> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** Whether every probe met {@link #WORST} and the median met {@link #MEDIAN}. */
  public boolean wellInsideProbeTimeouts() {
    return !times.isEmpty() && worst().compareTo(WORST) < 0 && median().compareTo(MEDIAN) < 0;
  }

  @Override
  public String toString() {
    return times.size()
        + " probes, median "
        + median().toMillis()
        + " ms, worst "
        + worst().toMillis()
        + " ms";
  }

  /** A probe call. */
  @FunctionalInterface
  public interface ThrowingSupplier<T> {
    /** Calls the probe. */
    T get() throws Exception;
  }
}
