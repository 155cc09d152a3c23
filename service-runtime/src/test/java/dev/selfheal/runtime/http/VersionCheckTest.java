package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behind the HTTP decoder, on an in-memory channel: HTTP/1.0 and 1.1 pass, any other version gets
 * the 505 answer and the connection ends, and what the decoder could not parse is left to Vert.x.
 */
class VersionCheckTest {
  private static final RawAnswers.RawAnswer VERSION =
      RawAnswers.of(HttpLimits.defaults(), Json.mapper()).version();

  private final List<Integer> observed = new CopyOnWriteArrayList<>();

  private EmbeddedChannel channel() {
    ConnectionGuard guard =
        new ConnectionGuard(
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            VERSION,
            (method, route, status, seconds) -> observed.add(status));
    return new EmbeddedChannel(guard, new HttpRequestDecoder(), new VersionCheck(guard, VERSION));
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0"})
  void http10And11PassThrough(String version) {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /health " + version + "\r\nHost: x\r\n\r\n"));
    HttpRequest request = channel.readInbound();
    assertThat(request.protocolVersion()).isEqualTo(HttpVersion.valueOf(version));
    assertThat(channel.<Object>readOutbound()).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(observed).isEmpty();
    channel.finishAndReleaseAll();
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/9.9", "HTTP/1.2"})
  void anotherVersionGetsThe505AndTheConnectionEnds(String version) {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /health " + version + "\r\nHost: x\r\n\r\n"));
    ByteBuf answer = channel.readOutbound();
    try {
      String text = answer.toString(StandardCharsets.US_ASCII);
      assertThat(ByteBufUtil.getBytes(answer)).isEqualTo(VERSION.bytes());
      assertThat(text)
          .startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n")
          .contains("Content-Type: application/json")
          .contains("Connection: close")
          .endsWith("\"code\":\"http_version_not_supported\",\"status\":505}");
    } finally {
      answer.release();
    }
    assertThat(channel.<Object>readInbound()).isNotInstanceOf(HttpRequest.class);
    assertThat(channel.isOpen()).isFalse();
    assertThat(observed).containsExactly(505);
    channel.finishAndReleaseAll();
  }

  @Test
  void aRequestTheDecoderRejectedIsLeftToVertx() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /health NOT-HTTP\r\nHost: x\r\n\r\n"));
    HttpRequest request = channel.readInbound();
    assertThat(request.decoderResult().isFailure()).isTrue();
    assertThat(channel.<Object>readOutbound()).isNull();
    assertThat(observed).isEmpty();
    channel.finishAndReleaseAll();
  }
}
