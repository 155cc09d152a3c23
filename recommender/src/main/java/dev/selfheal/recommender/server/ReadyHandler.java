package dev.selfheal.recommender.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.selfheal.recommender.embeddings.WarmUp;
import dev.selfheal.recommender.health.Lifecycle;
import dev.selfheal.recommender.profile.ProfileLookup;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * {@code GET /ready}, for the readinessProbe: 503 while the embeddings are not in memory (traffic
 * would be useless) and while draining after SIGTERM; 200 otherwise. The profile API's state is
 * reported but does not count: it is shared by every replica, so failing readiness on it would
 * empty the Service's endpoints at once, while a degraded (popular) answer is still an answer.
 * Redis is not consulted either: after start-up every answer comes from memory.
 */
public final class ReadyHandler implements Handler {

  /**
   * @param ok whether this check passes
   * @param detail what it saw
   */
  public record Check(boolean ok, Object detail) {}

  /**
   * @param circuit breaker state in front of the profile API
   * @param affectsReadiness always false, stated for learners
   * @param note why
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Dependency(String circuit, boolean affectsReadiness, String note) {}

  /**
   * @param status "ready" or "not_ready"
   * @param embeddings embeddings check
   * @param draining shutdown check
   * @param profileApi reported, not checked
   * @param redis reported, not checked
   */
  public record Body(
      String status, Check embeddings, Check draining, Dependency profileApi, Dependency redis) {}

  private final WarmUp warmUp;
  private final Lifecycle lifecycle;
  private final ProfileLookup profiles;

  /**
   * @param warmUp the start-up load
   * @param lifecycle shutdown flag
   * @param profiles breaker holder
   */
  public ReadyHandler(WarmUp warmUp, Lifecycle lifecycle, ProfileLookup profiles) {
    this.warmUp = warmUp;
    this.lifecycle = lifecycle;
    this.profiles = profiles;
  }

  @Override
  public Reply handle(Request request) {
    boolean loaded = warmUp.isLoaded();
    boolean draining = lifecycle.isDraining();
    CircuitBreaker.State state = profiles.breaker().getState();
    Body body =
        new Body(
            loaded && !draining ? "ready" : "not_ready",
            new Check(loaded, warmUp.status()),
            new Check(!draining, draining ? "shutting down" : "serving"),
            new Dependency(
                ProfileLookup.label(state),
                false,
                state == CircuitBreaker.State.CLOSED
                    ? "answers are personalised"
                    : "answers fall back to popular items (degraded: true)"),
            new Dependency(
                null, false, "read once at start-up; answers are served from memory afterwards"));
    return Reply.json(loaded && !draining ? 200 : 503, body);
  }
}
