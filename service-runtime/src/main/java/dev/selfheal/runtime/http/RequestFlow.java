package dev.selfheal.runtime.http;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Sits right after the HTTP decoder and lets a connection's requests into the server one at a time:
 * a request is passed on only once the previous one has been answered and the connection can take
 * more output. Until then the decoded requests wait here and the connection is not read, so a
 * client that pipelines requests and never reads the answers makes the server neither compute nor
 * buffer more than one answer beyond what the socket holds. More than {@link #MAX_PIPELINED}
 * waiting requests (or {@link #MAX_HELD_BYTES} of their bodies) is an attack, not a client: the
 * connection gets the JSON 429 after the answers already written, and is closed. Broken chunk
 * framing in a body gets the JSON 400 and a close.
 *
 * <p>Every method runs on the connection's event loop.
 */
final class RequestFlow extends ChannelInboundHandlerAdapter {
  /** Decoded requests that may wait behind the one being answered. */
  static final int MAX_PIPELINED = 16;

  /** Bytes of request bodies that may wait with them. */
  static final long MAX_HELD_BYTES = 1024 * 1024;

  private final ConnectionGuard guard;
  private final RawAnswers answers;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private int outstanding;
  private volatile int heldRequests;
  private long heldBytes;
  private boolean pausedByUs;
  private boolean refused;
  private boolean releaseScheduled;

  RequestFlow(ConnectionGuard guard, RawAnswers answers) {
    this.guard = guard;
    this.answers = answers;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext context) {
    this.ctx = context;
  }

  @Override
  public void channelRead(ChannelHandlerContext context, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!held.isEmpty() || (msg instanceof HttpRequest && mustWait())) {
      hold(msg);
      return;
    }
    forward(msg);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext context) {
    if (context.channel().isWritable()) {
      scheduleRelease();
    }
    context.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext context) {
    drop();
    context.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext context) {
    drop();
  }

  /** Whether requests are waiting here (the connection is not quiet while they do). */
  boolean holding() {
    return heldRequests > 0;
  }

  /** A request passed on has been answered (or abandoned). */
  void answered() {
    outstanding = Math.max(0, outstanding - 1);
    if (refused && outstanding == 0) {
      ctx.executor().execute(() -> guard.refuse(answers.tooManyPipelined()));
      return;
    }
    scheduleRelease();
  }

  private boolean mustWait() {
    return outstanding > 0 || !ctx.channel().isWritable();
  }

  private void forward(Object msg) {
    if (msg instanceof HttpContent content
        && !(msg instanceof HttpRequest)
        && content.decoderResult().isFailure()) {
      // Broken chunk framing (a size that is not hex, too long a line): the decoder reads no more
      // of this connection, and Vert.x would close it without a word. Our 400 instead.
      ReferenceCountUtil.release(msg);
      refused = true;
      drop();
      guard.refuse(answers.badChunk());
      return;
    }
    if (msg instanceof HttpRequest) {
      outstanding++;
    }
    ctx.fireChannelRead(msg);
  }

  private void hold(Object msg) {
    held.add(msg);
    if (msg instanceof HttpRequest) {
      heldRequests++;
    }
    if (msg instanceof ByteBufHolder holder) {
      heldBytes += holder.content().readableBytes();
    }
    // Whatever else reads the connection may have turned reading back on: off again.
    if (ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(false);
      pausedByUs = true;
    }
    if (heldRequests > MAX_PIPELINED || heldBytes > MAX_HELD_BYTES) {
      refuse();
    }
  }

  private void refuse() {
    refused = true;
    drop();
    if (outstanding == 0) {
      guard.refuse(answers.tooManyPipelined());
    }
  }

  /** Runs later on the loop, not inside the answer that made room (Vert.x is still ending it). */
  private void scheduleRelease() {
    if (!releaseScheduled && !refused && (!held.isEmpty() || pausedByUs)) {
      releaseScheduled = true;
      ctx.executor().execute(this::release);
    }
  }

  private void release() {
    releaseScheduled = false;
    while (!held.isEmpty() && !refused) {
      Object next = held.peek();
      if (next instanceof HttpRequest && mustWait()) {
        return;
      }
      held.poll();
      if (next instanceof HttpRequest) {
        heldRequests--;
      }
      if (next instanceof ByteBufHolder holder) {
        heldBytes -= holder.content().readableBytes();
      }
      forward(next);
    }
    if (pausedByUs && !refused && ctx.channel().isActive()) {
      pausedByUs = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void drop() {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
    heldRequests = 0;
    heldBytes = 0;
  }
}
