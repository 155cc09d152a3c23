package dev.selfheal.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Reply} as the bytes an {@link Exchange} writes, and their content type. A reply that
 * cannot be encoded becomes a plain 500 JSON answer (logged), so a request is always answered.
 *
 * @param reply what is answered (the 500 when the handler's reply could not be encoded)
 * @param bytes the body: the reply's own bytes, wrapped, not copied
 * @param contentType the body's content type
 */
record EncodedReply(Reply reply, ByteBuf bytes, String contentType) {
  private static final Logger LOG = LoggerFactory.getLogger(EncodedReply.class);
  private static final byte[] INTERNAL_ERROR =
      "{\"error\":\"internal server error\",\"code\":\"internal_error\",\"status\":500}"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * Encodes {@code reply}: its bytes as they are, or its value as JSON with {@code json}.
   *
   * @param request names the request in the log when the reply cannot be encoded
   */
  static EncodedReply of(Reply reply, ObjectMapper json, String request) {
    try {
      // The answer's own bytes (encoded for it, or a body its handler no longer changes):
      // wrapped, not copied.
      ByteBuf bytes =
          Unpooled.wrappedBuffer(
              reply.bytes() != null ? reply.bytes() : json.writeValueAsBytes(reply.json()));
      String type = reply.bytes() != null ? reply.contentType() : "application/json";
      return new EncodedReply(reply, bytes, type);
    } catch (Exception e) {
      LOG.error("Could not encode the answer to {}", request, e);
      return new EncodedReply(
          Reply.json(500, null), Unpooled.wrappedBuffer(INTERNAL_ERROR), "application/json");
    }
  }

  /** The JSON reply {@code error} is answered with: its status, body and headers. */
  static Reply ofError(HttpError error) {
    Reply reply = Reply.json(error.status(), error.body());
    for (Map.Entry<String, String> header : error.headers().entrySet()) {
      reply = reply.withHeader(header.getKey(), header.getValue());
    }
    return reply;
  }
}
