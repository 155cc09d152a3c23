package dev.selfheal.runtime.http;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's open connections, across every event loop: how many there are, each one's guard (for
 * the drain), and the connection limit.
 */
final class ConnectionTable {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong admitted =
      new java.util.concurrent.atomic.AtomicLong();
  private final Set<ConnectionGuard> guards = ConcurrentHashMap.newKeySet();

  private final RawAnswers.RawAnswer shedAnswer;

  ConnectionTable(int max, RawAnswers.RawAnswer shedAnswer) {
    this.max = max;
    this.shedAnswer = shedAnswer;
  }

  /**
   * Counts a new connection until its channel closes.
   *
   * @return whether it may be served (false: the table is full)
   */
  boolean admit(ConnectionGuard guard, Channel channel) {
    guards.add(guard);
    admitted.incrementAndGet();
    // The close listener goes on before the count goes up. A channel already closed runs it at
    // once, here, so the count goes down and up again and ends right; counting first would make a
    // dead newcomer shed a live connection from a full table (ConnectionTableTest).
    channel
        .closeFuture()
        .addListener(
            f -> {
              guards.remove(guard);
              open.decrementAndGet();
            });
    if (open.incrementAndGet() <= max) {
      return true;
    }
    // Newcomers on other loops may pick the same one: the loser looks again.
    for (int attempt = 0; attempt < 4; attempt++) {
      ConnectionGuard victim = longestWaiting(guard);
      if (victim == null) {
        return false;
      }
      if (victim.shed(shedAnswer)) {
        return true;
      }
    }
    return false;
  }

  private ConnectionGuard longestWaiting(ConnectionGuard newcomer) {
    ConnectionGuard oldest = null;
    long oldestSince = 0;
    for (ConnectionGuard candidate : guards) {
      if (candidate == newcomer || !candidate.sheddable()) {
        continue;
      }
      long since = candidate.waitingSince();
      if (oldest == null || since - oldestSince < 0) {
        oldest = candidate;
        oldestSince = since;
      }
    }
    return oldest;
  }

  /** Connections accepted since the start. */
  long admitted() {
    return admitted.get();
  }

  /** Open connections. */
  int size() {
    return open.get();
  }

  /** Every open connection's guard. */
  Iterable<ConnectionGuard> guards() {
    return guards;
  }
}
