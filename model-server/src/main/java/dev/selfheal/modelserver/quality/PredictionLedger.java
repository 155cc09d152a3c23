package dev.selfheal.modelserver.quality;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent prediction ids and what the model said, so that {@code POST /feedback} can score a
 * prediction once its true label is known. Bounded twice: at most {@code capacity} ids (the oldest
 * are forgotten first) and none older than {@code maxAge}. A scored id stays as a marker until it
 * ages out, so a repeat is told apart from a forgery.
 */
public final class PredictionLedger {
  private final Map<String, Entry> entries;
  private final long maxAgeMillis;
  private final Clock clock;

  private static final class Entry {
    final boolean fraud;
    final long issuedAt;
    boolean scored;

    Entry(boolean fraud, long issuedAt) {
      this.fraud = fraud;
      this.issuedAt = issuedAt;
    }
  }

  /** What {@link #claim} found. */
  public enum Status {
    /** A recent prediction, not scored before: its label counts. */
    ACCEPTED,
    /** Never issued here, forgotten (capacity) or older than the maximum age. */
    UNKNOWN,
    /** Already scored once. */
    REPEATED
  }

  /**
   * The answer of {@link #claim}.
   *
   * @param status what was found
   * @param predictedFraud what the model said (meaningful only when accepted)
   */
  public record Claim(Status status, boolean predictedFraud) {}

  /** Remembers at most {@code capacity} predictions for 10 minutes on the system clock. */
  public PredictionLedger(int capacity) {
    this(capacity, Duration.ofMinutes(10), Clock.systemUTC());
  }

  /** Remembers at most {@code capacity} predictions, each for {@code maxAge}. */
  public PredictionLedger(int capacity, Duration maxAge, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remembers a prediction. */
  public synchronized void remember(String predictionId, boolean fraud) {
    entries.put(predictionId, new Entry(fraud, clock.millis()));
  }

  /** Claims {@code predictionId} for scoring: accepted the first time only. */
  public synchronized Claim claim(String predictionId) {
    Entry entry = entries.get(predictionId);
    if (entry == null) {
      return new Claim(Status.UNKNOWN, false);
    }
    if (clock.millis() - entry.issuedAt > maxAgeMillis) {
      entries.remove(predictionId);
      return new Claim(Status.UNKNOWN, false);
    }
    if (entry.scored) {
      return new Claim(Status.REPEATED, false);
    }
    entry.scored = true;
    return new Claim(Status.ACCEPTED, entry.fraud);
  }

  /** Number of ids remembered (scored markers included). */
  public synchronized int size() {
    return entries.size();
  }
}
