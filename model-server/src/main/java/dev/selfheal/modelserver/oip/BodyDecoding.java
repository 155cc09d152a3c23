package dev.selfheal.modelserver.oip;

import dev.selfheal.runtime.http.HttpError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Undoes {@code Content-Encoding: gzip} or {@code deflate} (zlib stream, as HTTP defines it) on a
 * request body. The size limit applies to the decompressed bytes, so a small "zip bomb" is refused
 * with 413 after reading at most {@code maxBytes + 1} bytes.
 */
public final class BodyDecoding {
  private BodyDecoding() {}

  /**
   * Decodes {@code body} according to {@code contentEncoding} (null, empty or {@code identity}
   * means none).
   *
   * @throws HttpError 415 for an unknown encoding, 400 for a corrupt stream, 413 when the decoded
   *     body exceeds {@code maxBytes}
   */
  public static byte[] decode(byte[] body, String contentEncoding, int maxBytes) {
    String encoding =
        contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    InputStream in;
    try {
      switch (encoding) {
        case "", "identity" -> {
          if (body.length > maxBytes) {
            throw tooLarge(maxBytes);
          }
          return body;
        }
        case "gzip", "x-gzip" -> in = new GZIPInputStream(new ByteArrayInputStream(body));
        case "deflate" -> in = new InflaterInputStream(new ByteArrayInputStream(body));
        default ->
            throw HttpError.unsupportedMedia(
                "Content-Encoding",
                "Content-Encoding '" + contentEncoding + "' is not supported; use gzip or deflate");
      }
      try (in) {
        byte[] decoded = in.readNBytes(maxBytes + 1);
        if (decoded.length > maxBytes) {
          throw tooLarge(maxBytes);
        }
        return decoded;
      }
    } catch (ZipException e) {
      throw HttpError.badRequest(null, "corrupt " + encoding + " body: " + e.getMessage());
    } catch (IOException e) {
      // Truncated streams end in EOFException; everything here reads from memory.
      throw HttpError.badRequest(null, "corrupt " + encoding + " body: " + e);
    }
  }

  /** 413 naming the limit; the body is what is too large (field {@code body}). */
  private static HttpError tooLarge(int maxBytes) {
    return HttpError.tooLarge("request body exceeds " + maxBytes + " bytes once decompressed");
  }
}
