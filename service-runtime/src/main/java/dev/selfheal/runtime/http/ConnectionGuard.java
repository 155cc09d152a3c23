package dev.selfheal.runtime.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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

  /** How long a connection closed after an error keeps reading, so the client sees our answer. */
  private static final Duration LINGER = Duration.ofSeconds(2);

  private enum State {
    /** Waiting for (the rest of) a request head, under the header deadline. */
    HEAD,
    /** A request is being read or answered: no deadline here. */
    REQUEST,
    /** Between requests, under the idle timeout. */
    IDLE,
    /** Answered and half-closed: input is read and thrown away until the connection closes. */
    CLOSING
  }

  private final long headerNanos;
  private final long idleNanos;
  private final RawAnswers.RawAnswer headerTimeoutAnswer;
  private final RequestObserver observer;
  private ChannelHandlerContext ctx;
  private volatile State state = State.HEAD;
  private final long openedAt = System.nanoTime();
  private volatile long idleSince = openedAt;
  private volatile long headSince = System.nanoTime();
  private final AtomicBoolean shed = new AtomicBoolean();
  private volatile boolean headStarted;
  private int open;
  // The one deadline of the connection (header, idle or linger) and what runs when it passes; the
  // timer task checks it when it fires (see arm).
  private Runnable action;
  private long deadline;
  private ScheduledFuture<?> timer;
  private long timerAt;
  // Made once: a method reference is a new object each time it is evaluated.
  private final Runnable headerDeadline = this::headerDeadlinePassed;
  private final Runnable closeNow = this::close;
  private final Runnable fired = this::timerFired;
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
    arm(headerNanos, headerDeadline);
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (state == State.CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == State.IDLE) {
      headSince = System.nanoTime();
      state = State.HEAD;
      arm(headerNanos, headerDeadline);
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
    if (state != State.REQUEST && (flow == null || !flow.holding())) {
      closeAfterWrites();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    stopTimer();
    context.fireChannelInactive();
  }

  /** Whether the connection is being closed: requests still arriving on it are not served. */
  boolean closing() {
    return state == State.CLOSING;
  }

  /**
   * Answers {@code answer} (a complete HTTP response) after what was written already and ends the
   * connection; a client that does not read it is closed all the same shortly after.
   */
  void refuse(RawAnswers.RawAnswer answer) {
    if (state == State.CLOSING) {
      return;
    }
    state = State.CLOSING;
    cancel();
    observe("UNKNOWN", answer.status());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(answer.bytes()))
        .addListener((ChannelFutureListener) f -> close());
    arm(LINGER.toNanos(), closeNow);
  }

  /** A request head has arrived (called by the server for every request). */
  void headArrived() {
    open++;
    headStarted = false;
    if (state != State.CLOSING) {
      state = State.REQUEST;
      cancel();
    }
  }

  /**
   * Starts the body deadline of the request in progress: {@code task} runs on the event loop once
   * {@code nanos} have passed, unless {@link #bodyDone} comes first. It is the connection's one
   * deadline, so it costs no timer of its own.
   */
  void bodyDeadline(long nanos, Runnable task) {
    if (state == State.REQUEST) {
      arm(nanos, task);
    }
  }

  /** The body that {@code task} was waiting for has arrived, or the request was answered. */
  void bodyDone(Runnable task) {
    if (action == task) {
      cancel();
    }
  }

  /** A request has been answered or abandoned. */
  void requestFinished() {
    if (flow != null) {
      flow.answered();
    }
    open = Math.max(0, open - 1);
    if (open == 0 && state == State.REQUEST) {
      idleSince = System.nanoTime();
      state = State.IDLE;
      arm(idleNanos, closeNow);
    }
    if (inputShutdown && open == 0 && (flow == null || !flow.holding())) {
      closeAfterWrites();
    }
  }

  /** Closes once everything written so far has gone out (a client that does not read: shortly). */
  private void closeAfterWrites() {
    state = State.CLOSING;
    cancel();
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> close());
    arm(LINGER.toNanos(), closeNow);
  }

  /**
   * Whether the connection may be closed to make room for a new one: it waits between requests, or
   * for (the rest of) a request head, and has not been picked already. Called from any thread.
   */
  boolean sheddable() {
    State now = state;
    return (now == State.IDLE || now == State.HEAD) && !shed.get();
  }

  /** Since when it has been waiting (between requests, or for the head): older goes first. */
  long waitingSince() {
    return state == State.IDLE ? idleSince : headSince;
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
              if (state == State.HEAD && headStarted) {
                refuse(answer);
              } else if (state == State.IDLE || state == State.HEAD) {
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
    if (state == State.CLOSING) {
      return;
    }
    state = State.CLOSING;
    cancel();
    shutdownAndLinger();
  }

  private void shutdownAndLinger() {
    if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
      duplex.shutdownOutput();
      arm(LINGER.toNanos(), closeNow);
    } else {
      close();
    }
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
    return state == State.CLOSING || !ctx.channel().isActive();
  }

  /**
   * One step of a drain, on the event loop. A connection on which no byte of a request has arrived
   * is closed (the end sent after whatever was written, never a reset) once it has waited {@code
   * quietNanos}: a client sending in a loop never waits that long, and gets {@code Connection:
   * close} on its next answer instead. A head that is arriving is let finish until {@code
   * headsDueBy}, or {@code quietNanos} after its first byte if that is later (never beyond its own
   * deadline); then it is answered {@code cutAnswer} and {@code cut} is told. Requests in progress
   * or waiting are left alone: they are answered with {@code Connection: close}.
   */
  void drainStep(long quietNanos, long headsDueBy, RawAnswers.RawAnswer cutAnswer, Runnable cut) {
    State now = state;
    if (now == State.CLOSING || now == State.REQUEST || (flow != null && flow.holding())) {
      return;
    }
    long time = System.nanoTime();
    if (now == State.IDLE || !headStarted) {
      if (time - idleSince >= quietNanos) {
        lingerClose();
      }
      return;
    }
    long due = Math.min(headSince + headerNanos, Math.max(headsDueBy, headSince + quietNanos));
    if (time - due >= 0) {
      state = State.CLOSING;
      cancel();
      observe("UNKNOWN", cutAnswer.status());
      cut.run();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(cutAnswer.bytes()))
          .addListener((ChannelFutureListener) f -> shutdownAndLinger());
    }
  }

  /** Whether requests pipelined behind the one being answered wait to be served. */
  boolean moreWaiting() {
    return flow != null && flow.holding();
  }

  /** Closes the connection now. */
  void close() {
    stopTimer();
    ctx.close();
  }

  private void headerDeadlinePassed() {
    if (state != State.HEAD) {
      return;
    }
    // Closing before the 408 is written, as the drain cut does: bytes that arrive while it is on
    // its way are dropped, so the rest of a late head is never served after its 408.
    state = State.CLOSING;
    cancel();
    observe("UNKNOWN", headerTimeoutAnswer.status());
    ctx.writeAndFlush(Unpooled.wrappedBuffer(headerTimeoutAnswer.bytes()))
        .addListener((ChannelFutureListener) f -> shutdownAndLinger());
  }

  /**
   * Runs {@code task} once {@code nanos} have passed, unless re-armed or cancelled first. A
   * keep-alive connection moves between deadlines on every request (idle, then header, then none),
   * so re-arming only notes the new deadline: the timer task already scheduled fires no later than
   * the header deadline would, looks at the deadline then, and schedules itself again for what is
   * left. The timer queue is touched about once per header timeout per connection, not twice per
   * request.
   */
  private void arm(long nanos, Runnable task) {
    long now = System.nanoTime();
    action = task;
    deadline = now + nanos;
    if (timer != null && timerAt - deadline <= 0) {
      return;
    }
    stopTimer();
    action = task;
    schedule(now);
  }

  /** The deadline is off; the timer task, if scheduled, finds nothing to do when it fires. */
  private void cancel() {
    action = null;
  }

  private void schedule(long now) {
    // At most a header timeout ahead, so that re-arming for a header deadline never needs an
    // earlier timer.
    long at = deadline - now <= headerNanos ? deadline : now + headerNanos;
    timerAt = at;
    timer = ctx.executor().schedule(fired, Math.max(0, at - now), TimeUnit.NANOSECONDS);
  }

  private void timerFired() {
    timer = null;
    Runnable due = action;
    if (due == null) {
      return;
    }
    long now = System.nanoTime();
    if (deadline - now > 0) {
      schedule(now);
      return;
    }
    action = null;
    due.run();
  }

  /** Cancels the deadline and takes the timer task off the queue (the connection is done). */
  private void stopTimer() {
    action = null;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
