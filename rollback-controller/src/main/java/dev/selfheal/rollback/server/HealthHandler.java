package dev.selfheal.rollback.server;

import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Map;

/**
 * {@code GET /health}: liveness. The process serves HTTP, so it is alive; it checks no dependency,
 * because restarting the controller would not fix an unreachable API server.
 */
public final class HealthHandler implements Handler {

  @Override
  public Reply handle(Request request) {
    return Reply.json(200, Map.of("status", "ok"));
  }
}
