package dev.selfheal.recommender.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.recommender.embeddings.WarmUp;

/**
 * {@code GET /startup}, for the startupProbe: 200 once the embeddings are in memory, 503 before.
 * The kubelet holds liveness and readiness back until this succeeds, so the slow warm-up is
 * budgeted here, not in liveness delays.
 */
public final class StartupHandler extends JsonHandler {

  /**
   * @param status "started" or "starting"
   * @param embeddings the warm-up's progress and last error
   */
  public record Body(String status, WarmUp.Status embeddings) {}

  private final WarmUp warmUp;

  /**
   * @param mapper JSON mapper
   * @param warmUp the start-up load
   */
  public StartupHandler(ObjectMapper mapper, WarmUp warmUp) {
    super(mapper, "GET");
    this.warmUp = warmUp;
  }

  @Override
  protected JsonResponse respond(HttpExchange exchange) {
    boolean loaded = warmUp.isLoaded();
    return new JsonResponse(
        loaded ? 200 : 503, new Body(loaded ? "started" : "starting", warmUp.status()));
  }
}
