package dev.selfheal.runtime.http;

import io.netty.channel.Channel;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The SIGTERM path of one server, in two steps, so that no connection with a request in progress or
 * an answer due is ever reset:
 *
 * <ol>
 *   <li>Still listening (the kubelet's liveness probe opens a new connection for every check):
 *       every answer says {@code Connection: close}; the drain waits until every connection opened
 *       before it is closing. A connection on which no request byte has arrived is closed once
 *       quiet ({@link #QUIET}); a head that is arriving is let finish, until the header deadline
 *       from the drain's start at most, then told 503 {@code shutting_down}.
 *   <li>The listening socket is closed, then the drain waits until every connection accepted before
 *       has ended the same way: its requests answered, the end sent after the answer.
 * </ol>
 *
 * Only what is still open when the grace period runs out is cut, and the {@link DrainReport} says
 * what that was.
 */
final class Drain {
  /**
   * How long a connection must have waited without a request byte before a drain closes it: shorter
   * gaps are a client sending in a loop, which is told {@code Connection: close} on its next answer
   * instead of losing a request it is writing.
   */
  static final Duration QUIET = Duration.ofMillis(500);

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Vertx vertx;
  private final Shared shared;
  private final AtomicInteger headsRefused = new AtomicInteger();

  Drain(Vertx vertx, Shared shared) {
    this.vertx = vertx;
    this.shared = shared;
  }

  /** Drains for up to {@code grace}; the caller then stops the server. */
  DrainReport run(Duration grace) {
    long start = System.nanoTime();
    long deadline = start + grace.toNanos();
    long headsDueBy = start + shared.limits().headerTimeout().toNanos();
    while (System.nanoTime() - deadline < 0 && !oldConnectionsSettled(start)) {
      step(headsDueBy);
    }
    stopListening();
    while (System.nanoTime() - deadline < 0 && shared.connections().size() > 0) {
      step(headsDueBy);
    }
    int requests = shared.active();
    int open = shared.connections().size();
    return new DrainReport(requests, headsRefused.get(), Math.max(0, open - requests));
  }

  private boolean oldConnectionsSettled(long start) {
    for (ConnectionGuard guard : shared.connections().guards()) {
      if (guard.openedBefore(start) && !guard.settled()) {
        return false;
      }
    }
    return true;
  }

  private void step(long headsDueBy) {
    DrainStep policy = new DrainStep(QUIET.toNanos(), headsDueBy);
    RawAnswers.RawAnswer cut = shared.answers().shuttingDown();
    for (ConnectionGuard guard : shared.connections().guards()) {
      guard.onLoop(() -> guard.drainStep(policy, cut, headsRefused::incrementAndGet));
    }
    LockSupport.parkNanos(TICK_NANOS);
  }

  /**
   * Closes the listening socket (what the kernel had queued and not yet handed over is refused by
   * it), then waits until every connection accepted before has reached its event loop and the
   * connection table.
   */
  /**
   * On the listening socket's loop: takes over what the kernel has queued (a connection closed in
   * its accept queue would be reset, though the client may have written its request), then closes.
   * The socket is off the selector by then, so the JDK closes it at once rather than at the
   * selector's next run, while the kernel would go on queueing connections.
   */
  private static void acceptQueuedThenClose(Channel listening) {
    if (listening.unsafe() instanceof AbstractNioChannel.NioUnsafe nio) {
      // Each read accepts up to 16: a few rounds empty a queue that busy clients filled.
      for (int round = 0; round < 16 && listening.isOpen(); round++) {
        nio.read();
      }
    }
    listening.close();
  }

  // Vert.x 4 marks the Netty loops deprecated (Vert.x 5 drops them); the barrier needs them.
  @SuppressWarnings("deprecation")
  private void stopListening() {
    for (Channel listening : shared.listening()) {
      // Off the selector first (the selector lets go of it when it next runs, after this task).
      listening.deregister().awaitUninterruptibly(1, TimeUnit.SECONDS);
      for (int round = 0; round < 2; round++) {
        listening.eventLoop().submit(() -> {}).awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
      listening
          .eventLoop()
          .submit(() -> acceptQueuedThenClose(listening))
          .awaitUninterruptibly(1, TimeUnit.SECONDS);
      listening.closeFuture().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    for (int round = 0; round < 2; round++) {
      for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
        loop.submit(() -> {}).awaitUninterruptibly(1, TimeUnit.SECONDS);
      }
    }
  }
}
