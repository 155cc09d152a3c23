package dev.selfheal.runtime.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right after the HTTP decoder and answers a request of any HTTP version but 1.0 and 1.1 with
 * the JSON 505 (Vert.x would answer 501 with an empty body), then ends the connection.
 */
final class VersionCheck extends ChannelInboundHandlerAdapter {
  private final ConnectionGuard guard;
  private final RawAnswers.RawAnswer answer;

  VersionCheck(ConnectionGuard guard, RawAnswers.RawAnswer answer) {
    this.guard = guard;
    this.answer = answer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request
        && request.decoderResult().isSuccess()
        && !request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      ReferenceCountUtil.release(msg);
      guard.refuse(answer);
      return;
    }
    ctx.fireChannelRead(msg);
  }
}
