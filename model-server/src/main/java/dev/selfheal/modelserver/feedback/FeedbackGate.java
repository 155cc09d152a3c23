package dev.selfheal.modelserver.feedback;

import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.quality.PredictionLedger;
import dev.selfheal.modelserver.quality.QualityMonitor;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a label sent to {@code POST /feedback} may count. It counts only when a token is
 * configured and the request presents it as a bearer token, the label is {@code fraud} or {@code
 * legitimate}, and the prediction id was issued by this server recently and never scored before.
 * Anything else is refused with a {@link FeedbackRejectedException} and changes no quality figure;
 * every decision is counted in {@code model_feedback_total{outcome}}. No HTTP types appear here.
 */
public final class FeedbackGate {
  private final FeedbackToken token;
  private final PredictionLedger ledger;
  private final QualityMonitor quality;
  private final ModelMetrics metrics;

  /** Creates the gate. */
  public FeedbackGate(
      FeedbackToken token, PredictionLedger ledger, QualityMonitor quality, ModelMetrics metrics) {
    this.token = token;
    this.ledger = ledger;
    this.quality = quality;
    this.metrics = metrics;
  }

  /**
   * Checks the {@code Authorization} header; call before reading the body. Without a configured
   * token nobody may send labels: an open {@code /feedback} would let any client steer {@code
   * model_accuracy} (and so the rollback), and {@code model_accuracy} then follows the golden set.
   *
   * @throws FeedbackRejectedException 403 when no token is configured, 401 when the configured one
   *     is not presented exactly
   */
  public void authorize(String authorization) {
    if (!token.required()) {
      metrics.feedback("disabled");
      throw new FeedbackRejectedException(
          403,
          "feedback_disabled",
          null,
          "feedback is off: this server has no FEEDBACK_TOKEN, so no client can send labels;"
              + " model_accuracy follows the golden-set self-evaluation",
          Map.of());
    }
    String presented = null;
    if (authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, "Bearer ".length())) {
      presented = authorization.substring("Bearer ".length()).trim();
    }
    if (!token.matches(presented)) {
      metrics.feedback("unauthorized");
      throw new FeedbackRejectedException(
          401,
          "unauthorized",
          null,
          authorization == null
              ? "feedback needs the header 'Authorization: Bearer <FEEDBACK_TOKEN>'"
              : "the feedback token is wrong",
          Map.of("WWW-Authenticate", "Bearer realm=\"feedback\""));
    }
  }

  /**
   * Scores one label.
   *
   * @throws FeedbackRejectedException 400 for a bad label, 404 for an id this server did not issue
   *     recently, 409 for an id already scored
   */
  public Accepted score(String predictionId, String label) {
    String normalised = label.toLowerCase(Locale.ROOT);
    if (!normalised.equals("fraud") && !normalised.equals("legitimate")) {
      metrics.feedback("invalid");
      throw new FeedbackRejectedException(
          400, "bad_request", "label", "label must be fraud or legitimate", Map.of());
    }
    PredictionLedger.Claim claim = ledger.claim(predictionId);
    switch (claim.status()) {
      case UNKNOWN -> {
        metrics.feedback("unknown_id");
        throw new FeedbackRejectedException(
            404,
            "unknown_prediction",
            "prediction_id",
            "prediction_id "
                + predictionId
                + " was not issued by this server recently (unknown, or too old)",
            Map.of());
      }
      case REPEATED -> {
        metrics.feedback("repeated");
        throw new FeedbackRejectedException(
            409,
            "already_scored",
            "prediction_id",
            "prediction_id " + predictionId + " was already scored; each counts once",
            Map.of());
      }
      case ACCEPTED -> {
        boolean correct = claim.predictedFraud() == normalised.equals("fraud");
        quality.recordLabeled(correct);
        metrics.feedback("accepted");
        return new Accepted(predictionId, correct, quality.accuracy());
      }
    }
    throw new IllegalStateException("unhandled claim " + claim);
  }

  /**
   * A label that counted.
   *
   * @param predictionId the scored prediction
   * @param correct whether the model was right
   * @param accuracy {@code model_accuracy} after this label (NaN impossible: a label exists)
   */
  public record Accepted(String predictionId, boolean correct, double accuracy) {}
}
