package dev.selfheal.modelserver.quality;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recent prediction ids and what the model said, so that {@code POST /feedback} can score a
 * prediction once its true label is known. Bounded: the oldest ids are forgotten first.
 */
public final class PredictionLedger {
  private final Map<String, Boolean> predictedFraud;

  /** Remembers at most {@code capacity} predictions. */
  public PredictionLedger(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
    }
    this.predictedFraud =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remembers a prediction. */
  public synchronized void remember(String predictionId, boolean fraud) {
    predictedFraud.put(predictionId, fraud);
  }

  /**
   * Removes and returns what was predicted for {@code predictionId}; empty when the id is unknown,
   * expired or already scored (feedback counts once).
   */
  public synchronized Optional<Boolean> take(String predictionId) {
    return Optional.ofNullable(predictedFraud.remove(predictionId));
  }

  /** Number of predictions remembered. */
  public synchronized int size() {
    return predictedFraud.size();
  }
}
