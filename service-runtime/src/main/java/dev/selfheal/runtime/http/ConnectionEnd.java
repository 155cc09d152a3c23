package dev.selfheal.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How a {@link ConnectionGuard} ends its connection so that the client reads the last answer: the
 * answer goes out after what was written already, then the connection is closed or half-closed, and
 * a client that does not read is closed all the same shortly after ({@link #LINGER}). The guard
 * decides when; this writes the end.
 *
 * <p>Every method runs on the connection's event loop.
 */
final class ConnectionEnd {
  /** How long a connection closed after an error keeps reading, so the client sees our answer. */
  private static final Duration LINGER = Duration.ofSeconds(2);

  private final ConnectionDeadline deadline;
  private final Supplier<ChannelHandlerContext> ctx;
  // Made once: a method reference is a new object each time it is evaluated.
  private final Runnable closeNow = this::close;

  /**
   * @param deadline the connection's one deadline, which the linger takes over
   * @param ctx the guard's place in the pipeline (known once the pipeline is set up)
   */
  ConnectionEnd(ConnectionDeadline deadline, Supplier<ChannelHandlerContext> ctx) {
    this.deadline = deadline;
    this.ctx = ctx;
  }

  /**
   * Writes {@code bytes} and closes once they have gone out (a client that does not read: soon).
   */
  void writeThenClose(ByteBuf bytes) {
    ctx.get().writeAndFlush(bytes).addListener((ChannelFutureListener) f -> close());
    deadline.arm(LINGER.toNanos(), closeNow);
  }

  /** Writes {@code bytes}, then half-closes and lingers ({@link #shutdownAndLinger}). */
  void writeThenShutdown(ByteBuf bytes) {
    ctx.get().writeAndFlush(bytes).addListener((ChannelFutureListener) f -> shutdownAndLinger());
  }

  /**
   * Half-closes the connection so the client sees the end after our answer, reads and drops what it
   * still sends, and closes it for good after {@link #LINGER}; closes at once when it cannot.
   */
  void shutdownAndLinger() {
    if (ctx.get().channel() instanceof DuplexChannel duplex && duplex.isActive()) {
      duplex.shutdownOutput();
      deadline.arm(LINGER.toNanos(), closeNow);
    } else {
      close();
    }
  }

  /** Closes the connection now. */
  void close() {
    deadline.stop();
    ctx.get().close();
  }
}
