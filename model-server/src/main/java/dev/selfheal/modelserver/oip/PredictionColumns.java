package dev.selfheal.modelserver.oip;

import dev.selfheal.modelserver.inference.ServedPrediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns served predictions (one per row) into the fraud detector's output tensors by name. */
public final class PredictionColumns {
  private PredictionColumns() {}

  /** {@code prediction}, {@code confidence} and {@code prediction_id}, one element per row. */
  public static Map<String, List<?>> of(List<ServedPrediction> served) {
    List<String> labels = new ArrayList<>(served.size());
    List<Double> confidences = new ArrayList<>(served.size());
    List<String> ids = new ArrayList<>(served.size());
    for (ServedPrediction row : served) {
      labels.add(row.prediction().label());
      confidences.add(row.prediction().confidence());
      ids.add(row.predictionId());
    }
    return Map.of("prediction", labels, "confidence", confidences, "prediction_id", ids);
  }
}
