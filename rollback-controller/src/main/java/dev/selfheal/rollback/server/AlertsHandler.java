package dev.selfheal.rollback.server;

import dev.selfheal.rollback.controller.Outcome;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.rollback.observe.AlertNotification;
import dev.selfheal.rollback.observe.AlertPayloadParser;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import dev.selfheal.runtime.log.LogSafe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /alerts}: Alertmanager's webhook. The HTTP layer has already checked the content type
 * and the body's size and deadline; this checks, before any API call, the bearer token, the JSON
 * and payload version 4 and the required labels. Only then does each alert go to the {@link
 * Reconciler}; the response lists what happened to each: 200 when every alert was decided, 503 with
 * {@code Retry-After} when one ended {@code failed} (API server unreachable, conflicts exhausted)
 * or {@code not_leader}, so that Alertmanager, which retries only on 5xx, sends it again. Runs on
 * the controller's own small executor, never on the HTTP event loop, because the reconciler calls
 * the API server.
 */
public final class AlertsHandler implements Handler {

  private static final Logger LOG = LoggerFactory.getLogger(AlertsHandler.class);

  /** Seconds a client should wait before sending the notification again. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final BearerToken token;
  private final AlertPayloadParser parser;
  private final Reconciler reconciler;

  /**
   * Creates the handler.
   *
   * @param token expected bearer token
   * @param parser payload parser
   * @param reconciler where alerts go
   */
  public AlertsHandler(BearerToken token, AlertPayloadParser parser, Reconciler reconciler) {
    this.token = Objects.requireNonNull(token);
    this.parser = Objects.requireNonNull(parser);
    this.reconciler = Objects.requireNonNull(reconciler);
  }

  @Override
  public Reply handle(Request request) {
    long received = System.nanoTime();
    String auth = request.header("Authorization");
    if (!token.accepts(auth)) {
      throw new HttpError(
          401,
          "unauthorized",
          "Authorization",
          auth == null ? "missing bearer token" : "invalid bearer token",
          Map.of("WWW-Authenticate", "Bearer realm=\"rollback-controller\""));
    }
    AlertNotification notification = parser.parse(request.body());
    if (!reconciler.leading()) {
      throw new HttpError(
          503, "not_leader", null, "not the leader; retry later", Map.of("Retry-After", "5"));
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (AlertNotification.Alert alert : notification.alerts()) {
      outcomes.add(reconciler.handleAlert(alert, received));
    }
    LOG.debug(
        "Processed {} alerts from receiver {}",
        outcomes.size(),
        LogSafe.clean(notification.receiver()));
    Map<String, Object> response = new LinkedHashMap<>();
    long unfinished = outcomes.stream().filter(Outcome::retryable).count();
    if (unfinished > 0) {
      // Alertmanager retries a notification only on a 5xx: a 200 here would drop the rollback
      // until the next repeat_interval. The alerts already acted on are stale on the retry.
      String message =
          unfinished
              + " of "
              + outcomes.size()
              + " alerts could not be decided or acted on (failed or not_leader); retry later";
      LOG.warn("Answering 503 to receiver {}: {}", LogSafe.clean(notification.receiver()), message);
      response.put("error", message);
      response.put("code", "retry_later");
      response.put("status", 503);
      response.put("alerts", notification.alerts().size());
      response.put("outcomes", outcomes);
      return Reply.json(503, response).withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    response.put("alerts", notification.alerts().size());
    response.put("outcomes", outcomes);
    return Reply.json(200, response);
  }
}
