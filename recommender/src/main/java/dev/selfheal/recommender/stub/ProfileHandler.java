package dev.selfheal.recommender.stub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.selfheal.recommender.server.ErrorMapper.ErrorBody;
import dev.selfheal.recommender.server.JsonHandler;
import dev.selfheal.recommender.server.JsonResponse;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** {@code GET /profiles/<user>} with the configured latency, error rate and outage applied. */
final class ProfileHandler extends JsonHandler {

  private final ProfileGenerator profiles;
  private final AtomicReference<Faults> faults;

  ProfileHandler(ObjectMapper mapper, ProfileGenerator profiles, AtomicReference<Faults> faults) {
    super(mapper, "GET");
    this.profiles = profiles;
    this.faults = faults;
  }

  @Override
  protected JsonResponse respond(HttpExchange exchange) {
    Faults current = faults.get();
    if (current.outage()) {
      return new JsonResponse(503, new ErrorBody("profile API outage (switched on)", null));
    }
    if (current.latencyMs() > 0) {
      try {
        Thread.sleep(current.latencyMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new JsonResponse(503, new ErrorBody("interrupted", null));
      }
    }
    if (current.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < current.errorRate()) {
      return new JsonResponse(500, new ErrorBody("injected error", null));
    }
    String user = exchange.getRequestURI().getPath().substring("/profiles/".length());
    return profiles
        .profile(user)
        .map(p -> new JsonResponse(200, p))
        .orElseGet(() -> new JsonResponse(404, new ErrorBody("unknown user", "user")));
  }
}
