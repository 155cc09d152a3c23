package dev.selfheal.rollback.server;

import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /ready}: 200 only while this instance leads (its memory of earlier rollbacks restored)
 * and its watch caches are synced, so the Service sends Alertmanager's webhooks to the leader and
 * nowhere else. When not ready, the body says why.
 */
public final class ReadyHandler implements Handler {

  private final BooleanSupplier leading;
  private final BooleanSupplier synced;
  private final Supplier<String> notLeadingReason;

  /**
   * Creates the handler.
   *
   * @param leading whether this instance acts (holds the Lease, memory restored)
   * @param synced whether the watch caches are synced (true when the watch is off)
   * @param notLeadingReason why it does not act, or null
   */
  public ReadyHandler(
      BooleanSupplier leading, BooleanSupplier synced, Supplier<String> notLeadingReason) {
    this.leading = Objects.requireNonNull(leading);
    this.synced = Objects.requireNonNull(synced);
    this.notLeadingReason = Objects.requireNonNull(notLeadingReason);
  }

  @Override
  public Reply handle(Request request) {
    boolean isLeader = leading.getAsBoolean();
    boolean isSynced = synced.getAsBoolean();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", isLeader && isSynced);
    body.put("leader", isLeader);
    body.put("watchSynced", isSynced);
    if (!isLeader) {
      body.put("reason", notLeadingReason.get());
    } else if (!isSynced) {
      body.put("reason", "watch caches not synced yet");
    }
    return Reply.json(isLeader && isSynced ? 200 : 503, body);
  }
}
