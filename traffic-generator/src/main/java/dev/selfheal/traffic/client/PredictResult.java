package dev.selfheal.traffic.client;

/**
 * The result of one {@code POST /predict}.
 *
 * @param outcome how it ended
 * @param status the HTTP status, or 0 without an HTTP answer
 * @param response the parsed answer when {@code outcome} is {@link Outcome#OK}, else null
 * @param detail what went wrong, for the summary; empty when {@code outcome} is OK
 */
public record PredictResult(Outcome outcome, int status, PredictResponse response, String detail) {

  /** A successful prediction. */
  public static PredictResult ok(int status, PredictResponse response) {
    return new PredictResult(Outcome.OK, status, response, "");
  }

  /** A failed prediction. */
  public static PredictResult failed(Outcome outcome, int status, String detail) {
    return new PredictResult(outcome, status, null, detail);
  }
}
