package dev.selfheal.recommender.server;

import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;

/**
 * {@code GET /startup}, for the startupProbe: 200 once the embeddings are in memory, 503 before.
 * The kubelet holds liveness and readiness back until this succeeds, so the slow warm-up is
 * budgeted here, not in liveness delays.
 */
public final class StartupHandler implements Handler {

  /**
   * @param status "started" or "starting"
   * @param embeddings the warm-up's progress and last error
   */
  public record Body(String status, WarmUp.Status embeddings) {}

  private final WarmUp warmUp;

  /**
   * @param warmUp the start-up load
   */
  public StartupHandler(WarmUp warmUp) {
    this.warmUp = warmUp;
  }

  @Override
  public Reply handle(Request request) {
    boolean loaded = warmUp.isLoaded();
    return Reply.json(
        loaded ? 200 : 503, new Body(loaded ? "started" : "starting", warmUp.status()));
  }
}
