package dev.selfheal.runtime.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sits first in a connection's Netty pipeline and bounds the time a client may hold it without
 * sending a complete request head: from the connection's opening or a request's first byte, the
 * head must arrive within the header deadline (else 408 and close); between requests the connection
 * may idle for the idle timeout (else it is closed). No thread waits for any of this: the deadlines
 * are timers on the connection's event loop. The body deadline is the {@link Exchange}'s.
 *
 * <p>Every method runs on the connection's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
  /** Where the server finds a connection's guard. */
  static final AttributeKey<ConnectionGuard> KEY = AttributeKey.valueOf("selfheal.guard");

  private final long headerNanos;
  private final long idleNanos;
  private final RawAnswers.RawAnswer headerTimeoutAnswer;
  private final RequestObserver observer;
  private ChannelHandlerContext ctx;
  private volatile GuardState state = GuardState.HEAD;
  private final long openedAt = System.nanoTime();
  private volatile long idleSince = openedAt;
  private volatile long headSince = System.nanoTime();
  private final AtomicBoolean shed = new AtomicBoolean();
  private volatile boolean headStarted;
  private int open;
  private final ConnectionDeadline deadline;
  private final ConnectionEnd end;
  // Made once: a method reference is a new object each time it is evaluated.
  private final Runnable headerDeadline = this::headerDeadlinePassed;
  private final Runnable closeNow = this::close;
  private RequestFlow flow;
  private boolean inputShutdown;

  ConnectionGuard(
      Duration headerTimeout,
      Duration idleTimeout,
      RawAnswers.RawAnswer headerTimeoutAnswer,
      RequestObserver observer) {
    this.headerNanos = headerTimeout.toNanos();
    this.idleNanos = idleTimeout.toNanos();
    this.headerTimeoutAnswer = headerTimeoutAnswer;
    this.observer = observer;
    this.deadline = new ConnectionDeadline(headerNanos, () -> ctx.executor());
    this.end = new ConnectionEnd(deadline, () -> ctx);
  }

  /**
   * Reports an answer the layer gave below the routes (no route matched: {@code unmatched}), timed
   * from the start of the request's head.
   */
  void observe(String method, int status) {
    observer.observe(method, "unmatched", status, (System.nanoTime() - headSince) / 1e9);
  }

  /** The connection's {@link RequestFlow}, told when a request has been answered. */
  void flow(RequestFlow value) {
    this.flow = value;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
    context.channel().attr(KEY).set(this);
    // The connection is open: its first request head is due within the header deadline.
    deadline.arm(headerNanos, headerDeadline);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (state == GuardState.CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == GuardState.IDLE) {
      headSince = System.nanoTime();
      state = GuardState.HEAD;
      deadline.arm(headerNanos, headerDeadline);
    }
    headStarted = true;
    context.fireChannelRead(msg);
  }

  /**
   * The client has shut down its sending side (the channel allows half-closure): a request in
   * progress, or pipelined ones waiting, are still answered and the connection closes after them;
   * otherwise there is nothing left to serve and it closes now.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext context, Object event) {
    if (!(event instanceof ChannelInputShutdownEvent)) {
      context.fireUserEventTriggered(event);
      return;
    }
    inputShutdown = true;
    if (state != GuardState.REQUEST && (flow == null || !flow.holding())) {
      closeAfterWrites();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    deadline.stop();
    context.fireChannelInactive();
  }

  /** Whether the connection is being closed: requests still arriving on it are not served. */
  boolean closing() {
    return state == GuardState.CLOSING;
  }

  /**
   * Answers {@code answer} (a complete HTTP response) after what was written already and ends the
   * connection; a client that does not read it is closed all the same shortly after.
   */
  void refuse(RawAnswers.RawAnswer answer) {
    if (state == GuardState.CLOSING) {
      return;
    }
    state = GuardState.CLOSING;
    deadline.cancel();
    observe("UNKNOWN", answer.status());
    end.writeThenClose(Unpooled.wrappedBuffer(answer.bytes()));
  }

  /** A request head has arrived (called by the server for every request). */
  void headArrived() {
    open++;
    headStarted = false;
    if (state != GuardState.CLOSING) {
      state = GuardState.REQUEST;
      deadline.cancel();
    }
  }

  /**
   * Starts the body deadline of the request in progress: {@code task} runs on the event loop once
   * {@code nanos} have passed, unless {@link #bodyDone} comes first. It is the connection's one
   * deadline, so it costs no timer of its own.
   */
  void bodyDeadline(long nanos, Runnable task) {
    if (state == GuardState.REQUEST) {
      deadline.arm(nanos, task);
    }
  }

  /** The body that {@code task} was waiting for has arrived, or the request was answered. */
  void bodyDone(Runnable task) {
    if (deadline.armedFor(task)) {
      deadline.cancel();
    }
  }

  /** A request has been answered or abandoned. */
  void requestFinished() {
    if (flow != null) {
      flow.answered();
    }
    open = Math.max(0, open - 1);
    if (open == 0 && state == GuardState.REQUEST) {
      idleSince = System.nanoTime();
      state = GuardState.IDLE;
      deadline.arm(idleNanos, closeNow);
    }
    if (inputShutdown && open == 0 && (flow == null || !flow.holding())) {
      closeAfterWrites();
    }
  }

  /** Closes once everything written so far has gone out (a client that does not read: shortly). */
  private void closeAfterWrites() {
    state = GuardState.CLOSING;
    deadline.cancel();
    end.writeThenClose(Unpooled.EMPTY_BUFFER);
  }

  /**
   * Whether the connection may be closed to make room for a new one: it waits between requests, or
   * for (the rest of) a request head, and has not been picked already. Called from any thread.
   */
  boolean sheddable() {
    return state.waiting() && !shed.get();
  }

  /** Since when it has been waiting (between requests, or for the head): older goes first. */
  long waitingSince() {
    return state == GuardState.IDLE ? idleSince : headSince;
  }

  /**
   * Closes the connection, on its own event loop, to make room for a new one, unless a request got
   * under way in the meantime: an idle or silent one is just closed, one part-way through a head is
   * told {@code answer} first. Called from any thread.
   *
   * @return false when another newcomer picked it first
   */
  boolean shed(RawAnswers.RawAnswer answer) {
    if (!shed.compareAndSet(false, true)) {
      return false;
    }
    ctx.executor()
        .execute(
            () -> {
              if (state == GuardState.HEAD && headStarted) {
                refuse(answer);
              } else if (state.waiting()) {
                close();
              }
            });
    return true;
  }

  /**
   * Ends the connection after what was written: half-closes it so the client reads our answer and
   * sees the end, discards whatever it still sends, and closes it for good shortly after.
   */
  void lingerClose() {
    if (state == GuardState.CLOSING) {
      return;
    }
    state = GuardState.CLOSING;
    deadline.cancel();
    end.shutdownAndLinger();
  }

  /** Runs {@code task} on the connection's event loop. */
  void onLoop(Runnable task) {
    ctx.executor().execute(task);
  }

  /** Whether the connection was opened before {@code nanos} ({@link System#nanoTime}). */
  boolean openedBefore(long nanos) {
    return openedAt - nanos < 0;
  }

  /**
   * Whether a drain has nothing more to wait for here: the connection is closing (its last answer
   * written, the end sent).
   */
  boolean settled() {
    return state == GuardState.CLOSING || !ctx.channel().isActive();
  }

  /**
   * One step of a drain, on the event loop, as {@code policy} decides: a quiet connection is
   * closed, a head arriving too late is answered {@code cutAnswer} and {@code cut} is told.
   */
  void drainStep(DrainStep policy, RawAnswers.RawAnswer cutAnswer, Runnable cut) {
    long now = System.nanoTime();
    DrainStep.Action step =
        policy.decide(state, moreWaiting(), headStarted, now, idleSince, headSince, headerNanos);
    if (step == DrainStep.Action.CLOSE) {
      lingerClose();
    } else if (step == DrainStep.Action.CUT) {
      state = GuardState.CLOSING;
      deadline.cancel();
      observe("UNKNOWN", cutAnswer.status());
      cut.run();
      end.writeThenShutdown(Unpooled.wrappedBuffer(cutAnswer.bytes()));
    }
  }

  /** Whether requests pipelined behind the one being answered wait to be served. */
  boolean moreWaiting() {
    return flow != null && flow.holding();
  }

  /** Closes the connection now. */
  void close() {
    end.close();
  }

  private void headerDeadlinePassed() {
    if (state != GuardState.HEAD) {
      return;
    }
    // Closing before the 408 is written, as the drain cut does: bytes that arrive while it is on
    // its way are dropped, so the rest of a late head is never served after its 408.
    state = GuardState.CLOSING;
    deadline.cancel();
    observe("UNKNOWN", headerTimeoutAnswer.status());
    end.writeThenShutdown(Unpooled.wrappedBuffer(headerTimeoutAnswer.bytes()));
  }
}
