package dev.selfheal.recommender.server;

import dev.selfheal.recommender.health.Heartbeat;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Map;

/**
 * {@code GET /health}, for the livenessProbe: checks only what a restart can fix, i.e. that the
 * request workers still make progress. Redis and the profile API are deliberately absent:
 * restarting every pod because a dependency is down turns a partial outage into a full one and a
 * crash loop.
 */
public final class HealthHandler implements Handler {

  /** Dependencies this probe leaves out on purpose, and why; shown in the body for learners. */
  static final Map<String, String> NOT_CHECKED =
      Map.of(
          "redis", "only needed at start-up; a restart would not bring it back",
          "profile-api", "shared external dependency; handled by the circuit breaker");

  /**
   * @param ok whether the workers beat recently
   * @param heartbeatAgeSeconds time since the last beat
   * @param thresholdSeconds age at which the process counts as stuck
   */
  public record WorkerCheck(boolean ok, double heartbeatAgeSeconds, long thresholdSeconds) {}

  /**
   * @param status "ok" or "stalled"
   * @param workers the worker check
   * @param notChecked dependencies left out and why
   */
  public record Body(String status, WorkerCheck workers, Map<String, String> notChecked) {}

  private final Heartbeat heartbeat;

  /**
   * @param heartbeat worker heartbeat
   */
  public HealthHandler(Heartbeat heartbeat) {
    this.heartbeat = heartbeat;
  }

  @Override
  public Reply handle(Request request) {
    boolean ok = heartbeat.isHealthy();
    WorkerCheck workers =
        new WorkerCheck(
            ok, heartbeat.age().toMillis() / 1000.0, heartbeat.stallThreshold().toSeconds());
    return Reply.json(ok ? 200 : 503, new Body(ok ? "ok" : "stalled", workers, NOT_CHECKED));
  }
}
