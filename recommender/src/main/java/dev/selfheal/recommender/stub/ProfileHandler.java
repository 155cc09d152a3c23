package dev.selfheal.recommender.stub;

import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/** {@code GET /profiles/<user>} with the configured latency, error rate and outage applied. */
final class ProfileHandler implements Handler {

  private final ProfileGenerator profiles;
  private final AtomicReference<Faults> faults;

  ProfileHandler(ProfileGenerator profiles, AtomicReference<Faults> faults) {
    this.profiles = profiles;
    this.faults = faults;
  }

  @Override
  public Reply handle(Request request) throws InterruptedException {
    Faults current = faults.get();
    if (current.outage()) {
      throw HttpError.unavailable("outage", "profile API outage (switched on)");
    }
    if (current.latencyMs() > 0) {
      Thread.sleep(current.latencyMs());
    }
    if (current.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < current.errorRate()) {
      throw new HttpError(500, "injected_error", null, "injected error", Map.of());
    }
    String user = request.pathParam("user");
    return profiles
        .profile(user)
        .map(p -> Reply.json(200, p))
        .orElseThrow(() -> new HttpError(404, "unknown_user", "user", "unknown user", Map.of()));
  }
}
