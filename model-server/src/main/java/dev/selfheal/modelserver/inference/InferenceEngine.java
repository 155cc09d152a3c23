package dev.selfheal.modelserver.inference;

import dev.selfheal.modelserver.faults.FaultInjector;
import dev.selfheal.modelserver.lifecycle.Heartbeat;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.model.Transaction;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single path from a validated {@link Transaction} to the model. Served predictions pass every
 * injected fault, are timed, counted and remembered for feedback; evaluation predictions (golden
 * set, watchdog canary) pass only the stall and are not counted as traffic.
 */
public final class InferenceEngine {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

  private final FaultInjector faults;
  private final QualityMonitor quality;
  private final ModelMetrics metrics;
  private final Heartbeat heartbeat;
  private final PredictionLedger ledger;
  private volatile FraudModel model;

  /** Creates an engine with no model installed yet. */
  public InferenceEngine(
      FaultInjector faults,
      QualityMonitor quality,
      ModelMetrics metrics,
      Heartbeat heartbeat,
      PredictionLedger ledger) {
    this.faults = faults;
    this.quality = quality;
    this.metrics = metrics;
    this.heartbeat = heartbeat;
    this.ledger = ledger;
  }

  /** Installs the loaded model. */
  public void install(FraudModel loaded) {
    this.model = loaded;
  }

  /** The installed model, if any. */
  public Optional<FraudModel> model() {
    return Optional.ofNullable(model);
  }

  /**
   * Serves one prediction to a client.
   *
   * @throws ModelNotReadyException before the model is installed
   * @throws ModelFailureException when inference fails server-side (counted as a model error)
   */
  public ServedPrediction serve(Transaction transaction) {
    FraudModel current = requireModel();
    long started = System.nanoTime();
    Prediction prediction;
    try {
      faults.beforeServing();
      prediction = current.predict(transaction);
      if (!(prediction.confidence() >= 0 && prediction.confidence() <= 1)) {
        throw new IllegalStateException("confidence out of range: " + prediction.confidence());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      recordFailure(e);
      throw new ModelFailureException("inference interrupted", e);
    } catch (RuntimeException e) {
      recordFailure(e);
      throw new ModelFailureException("inference failed", e);
    }
    double latencyMs = (System.nanoTime() - started) / 1e6;
    heartbeat.tick();
    quality.recordSuccess(latencyMs);
    metrics.predictionServed();
    String id = UUID.randomUUID().toString();
    ledger.remember(id, prediction.fraud());
    return new ServedPrediction(prediction, latencyMs, id);
  }

  /**
   * Scores a transaction for self-evaluation or the watchdog: passes the stall, not the other
   * faults, and is not counted as traffic.
   */
  public Prediction evaluate(Transaction transaction) {
    FraudModel current = requireModel();
    try {
      faults.beforeEvaluation();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelFailureException("evaluation interrupted", e);
    }
    return current.predict(transaction);
  }

  private FraudModel requireModel() {
    FraudModel current = model;
    if (current == null) {
      throw new ModelNotReadyException();
    }
    return current;
  }

  private void recordFailure(Exception e) {
    LOG.warn("Inference failed: {}", e.toString());
    quality.recordFailure();
    metrics.predictionFailed();
  }
}
