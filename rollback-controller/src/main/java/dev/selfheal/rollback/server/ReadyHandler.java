package dev.selfheal.rollback.server;

import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready}: 200 only while this instance leads and its watch caches are synced, so the
 * Service sends Alertmanager's webhooks to the leader and nowhere else.
 */
public final class ReadyHandler implements Handler {

  private final BooleanSupplier leading;
  private final BooleanSupplier synced;

  /**
   * Creates the handler.
   *
   * @param leading whether this instance holds the Lease
   * @param synced whether the watch caches are synced (true when the watch is off)
   */
  public ReadyHandler(BooleanSupplier leading, BooleanSupplier synced) {
    this.leading = Objects.requireNonNull(leading);
    this.synced = Objects.requireNonNull(synced);
  }

  @Override
  public Reply handle(Request request) {
    boolean isLeader = leading.getAsBoolean();
    boolean isSynced = synced.getAsBoolean();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", isLeader && isSynced);
    body.put("leader", isLeader);
    body.put("watchSynced", isSynced);
    return Reply.json(isLeader && isSynced ? 200 : 503, body);
  }
}
