package dev.selfheal.modelserver.inference;

import dev.selfheal.modelserver.faults.FaultInjector;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.Prediction;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.transactions.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
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
  private final Progress progress;
  private final PredictionLedger ledger;
  private final BooleanSupplier stuck;
  private final int feedbackIdsPerRequest;
  private volatile FraudModel model;

  /**
   * Creates an engine with no model installed yet.
   *
   * @param stuck true once the progress watchdog has declared inference stuck: served requests are
   *     then refused at once with {@link ModelStuckException}
   * @param feedbackIdsPerRequest rows of one request whose prediction ids are kept for feedback
   *     ({@code FEEDBACK_IDS_PER_REQUEST})
   */
  public InferenceEngine(
      FaultInjector faults,
      QualityMonitor quality,
      ModelMetrics metrics,
      Progress progress,
      PredictionLedger ledger,
      BooleanSupplier stuck,
      int feedbackIdsPerRequest) {
    this.faults = faults;
    this.quality = quality;
    this.metrics = metrics;
    this.progress = progress;
    this.ledger = ledger;
    this.stuck = stuck;
    this.feedbackIdsPerRequest = feedbackIdsPerRequest;
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
   * @throws ModelStuckException once the watchdog has declared inference stuck
   * @throws ModelFailureException when inference fails server-side (counted as a model error)
   */
  public ServedPrediction serve(Transaction transaction) {
    return serveAll(List.of(transaction)).get(0);
  }

  /**
   * Serves a batch of rows (one OIP infer request). Faults act once per batch, as they would on one
   * model call. Every row is counted in the request counters and gets its prediction, but the
   * quality windows take one sample per request (its whole latency, or one failure), so a big batch
   * weighs what a single request weighs; and only the first {@code feedbackIdsPerRequest} rows get
   * a prediction id kept for feedback (the rest get an empty id), so one request cannot flush the
   * ledger. Each row's reported latency is its share of the batch's time.
   *
   * @throws ModelNotReadyException before the model is installed
   * @throws ModelStuckException once the watchdog has declared inference stuck
   * @throws ModelFailureException when inference fails server-side (every row counts as an error)
   */
  public List<ServedPrediction> serveAll(List<Transaction> rows) {
    FraudModel current = requireModel();
    requireProgress();
    long started = System.nanoTime();
    List<Prediction> predictions = new ArrayList<>(rows.size());
    try {
      faults.beforeServing();
      for (Transaction row : rows) {
        Prediction prediction = current.predict(row);
        if (!(prediction.confidence() >= 0 && prediction.confidence() <= 1)) {
          throw new IllegalStateException("confidence out of range: " + prediction.confidence());
        }
        predictions.add(prediction);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      recordFailure(e, rows.size());
      throw new ModelFailureException("inference interrupted", e);
    } catch (RuntimeException e) {
      recordFailure(e, rows.size());
      throw new ModelFailureException("inference failed", e);
    }
    double requestMs = (System.nanoTime() - started) / 1e6;
    double rowMs = requestMs / rows.size();
    progress.beat();
    quality.recordSuccess(requestMs);
    List<ServedPrediction> served = new ArrayList<>(rows.size());
    for (Prediction prediction : predictions) {
      metrics.predictionServed();
      String id = "";
      if (served.size() < feedbackIdsPerRequest) {
        id = UUID.randomUUID().toString();
        ledger.remember(id, prediction.fraud());
      }
      served.add(new ServedPrediction(prediction, rowMs, id));
    }
    return served;
  }

  /**
   * Fails fast with {@link ModelStuckException} once the watchdog has declared inference stuck. The
   * request pool calls it before queueing, so nothing waits behind parked threads. Each refusal is
   * a failed request in {@code model_errors_total} and {@code model_error_rate}.
   */
  public void requireProgress() {
    if (stuck.getAsBoolean()) {
      answeredStuck(1);
      throw new ModelStuckException();
    }
  }

  /**
   * Counts {@code requests} answered 503 {@code model_stuck} by the watchdog (they waited on the
   * model when it stalled) as failed requests, one sample each.
   */
  public void answeredStuck(int requests) {
    for (int i = 0; i < requests; i++) {
      quality.recordFailure();
      metrics.predictionFailed();
    }
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

  private void recordFailure(Exception e, int rows) {
    LOG.warn("Inference failed: {}", e.toString());
    quality.recordFailure();
    for (int i = 0; i < rows; i++) {
      metrics.predictionFailed();
    }
  }
}
