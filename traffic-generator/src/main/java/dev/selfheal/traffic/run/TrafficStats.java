package dev.selfheal.traffic.run;

import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.client.PredictResult;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters of one traffic run, updated from the HTTP client's callback threads. */
public final class TrafficStats {

  private final LongAdder sent = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final Map<Outcome, LongAdder> predictions = counters();
  private final Map<Outcome, LongAdder> feedback = counters();
  private final Map<String, LongAdder> servedByVersion = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> correctByVersion = new ConcurrentHashMap<>();
  private final AtomicReference<String> lastFailure = new AtomicReference<>("");

  private static Map<Outcome, LongAdder> counters() {
    Map<Outcome, LongAdder> map = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      map.put(outcome, new LongAdder());
    }
    return map;
  }

  /** A prediction request was started. */
  public void sent() {
    sent.increment();
  }

  /**
   * A tick was skipped: every lane carried a transaction, or {@code --max-in-flight} transactions
   * were still unanswered.
   */
  public void skipped() {
    skipped.increment();
  }

  /** A prediction ended; {@code trueFraud} is the transaction's true label. */
  public void predicted(PredictResult result, boolean trueFraud) {
    predictions.get(result.outcome()).increment();
    if (result.outcome() != Outcome.OK) {
      lastFailure.set(result.detail());
    } else {
      String version = result.response().version() == null ? "?" : result.response().version();
      servedByVersion.computeIfAbsent(version, v -> new LongAdder()).increment();
      LongAdder correct = correctByVersion.computeIfAbsent(version, v -> new LongAdder());
      if (result.response().fraud() == trueFraud) {
        correct.increment();
      }
    }
  }

  /** A feedback request ended. */
  public void feedback(Outcome outcome) {
    feedback.get(outcome).increment();
  }

  /** A consistent-enough copy of the counters (each counter is read once). */
  public Snapshot snapshot() {
    Map<String, VersionCount> versions = new TreeMap<>();
    servedByVersion.forEach(
        (version, served) ->
            versions.put(
                version,
                new VersionCount(
                    served.sum(), correctByVersion.getOrDefault(version, new LongAdder()).sum())));
    return new Snapshot(
        sent.sum(), skipped.sum(), sums(predictions), sums(feedback), versions, lastFailure.get());
  }

  private static Map<Outcome, Long> sums(Map<Outcome, LongAdder> counters) {
    Map<Outcome, Long> map = new EnumMap<>(Outcome.class);
    counters.forEach((outcome, adder) -> map.put(outcome, adder.sum()));
    return map;
  }

  /** Predictions served by one release and how many matched the true label. */
  public record VersionCount(long served, long correct) {

    /** Share of correct predictions, or NaN when none was served. */
    public double accuracy() {
      return served == 0 ? Double.NaN : (double) correct / served;
    }
  }

  /**
   * The counters at one moment.
   *
   * @param lastFailure what went wrong with the latest failed prediction, empty if none failed
   */
  public record Snapshot(
      long sent,
      long skipped,
      Map<Outcome, Long> predictions,
      Map<Outcome, Long> feedback,
      Map<String, VersionCount> versions,
      String lastFailure) {

    /** Copies the maps. */
    public Snapshot {
      predictions = Map.copyOf(predictions);
      feedback = Map.copyOf(feedback);
      versions = Map.copyOf(versions);
    }

    /** Successful predictions. */
    public long ok() {
      return predictions.getOrDefault(Outcome.OK, 0L);
    }

    /** Failed predictions of every kind. */
    public long failed() {
      return predictions.values().stream().mapToLong(Long::longValue).sum() - ok();
    }

    /** One line for the console, e.g. {@code 10s sent=50 ok=50 ...}. */
    public String line(Duration elapsed) {
      StringBuilder text = new StringBuilder();
      text.append(
          String.format(Locale.ROOT, "%4ds sent=%d ok=%d", elapsed.toSeconds(), sent, ok()));
      for (Outcome outcome : Outcome.values()) {
        long count = predictions.getOrDefault(outcome, 0L);
        if (outcome != Outcome.OK && count > 0) {
          text.append(' ')
              .append(outcome.name().toLowerCase(Locale.ROOT))
              .append('=')
              .append(count);
        }
      }
      if (skipped > 0) {
        text.append(" skipped=").append(skipped);
      }
      text.append(" feedback=").append(feedback.getOrDefault(Outcome.OK, 0L));
      long feedbackFailed =
          feedback.values().stream().mapToLong(Long::longValue).sum()
              - feedback.getOrDefault(Outcome.OK, 0L);
      if (feedbackFailed > 0) {
        text.append(" feedback_failed=").append(feedbackFailed);
      }
      new TreeMap<>(versions)
          .forEach(
              (version, count) ->
                  text.append(
                      String.format(
                          Locale.ROOT,
                          " | %s: %d served, accuracy %.3f",
                          version,
                          count.served(),
                          count.accuracy())));
      return text.toString();
    }
  }
}
