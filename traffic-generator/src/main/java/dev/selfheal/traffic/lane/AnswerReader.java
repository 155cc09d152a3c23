package dev.selfheal.traffic.lane;

import dev.selfheal.traffic.client.Transport.Answer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads one HTTP/1.x answer from an {@link Http1Connection}'s socket: by {@code Content-Length},
 * chunked, or to the end of the connection, capped at {@link #MAX_ANSWER_BYTES}, with the socket's
 * read timeout set to what is left of the request's deadline before every read. One reader a
 * request: it remembers whether any byte of the answer arrived, which tells a keep-alive connection
 * the server closed while idle from an answer cut short.
 */
final class AnswerReader {

  /** Largest answer read; the model server's are a few hundred bytes. */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final Duration timeout;
  private boolean started;

  /**
   * What was read.
   *
   * @param answer the status and body
   * @param closeAfter the server ends the connection after this answer
   */
  record Read(Answer answer, boolean closeAfter) {}

  /**
   * A reader of the next answer on {@code socket}.
   *
   * @param socket the socket, whose read timeout is set before each read
   * @param in its (buffered) input stream
   * @param timeout the request's timeout, named in the timeout's message
   */
  AnswerReader(Socket socket, InputStream in, Duration timeout) {
    this.socket = socket;
    this.in = in;
    this.timeout = timeout;
  }

  /** True once a byte of the answer has arrived. */
  boolean started() {
    return started;
  }

  /**
   * Reads the status line, the headers and the body.
   *
   * @param deadline {@link System#nanoTime()} by which the whole answer must have arrived
   * @return the answer, and whether the server ends the connection after it
   * @throws IOException a malformed, oversized, cut or late answer
   */
  Read read(long deadline) throws IOException {
    String statusLine = readLine(deadline);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x answer: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("bad status line: " + statusLine, e);
    }
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = parts[0].equals("HTTP/1.0");
    int headerBytes = 0;
    for (String line = readLine(deadline); !line.isEmpty(); line = readLine(deadline)) {
      headerBytes += line.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("answer headers over " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-length" -> length = parseLength(value);
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "connection" ->
            closeAfter = value.contains("close") || (closeAfter && !value.contains("keep-alive"));
        default -> {}
      }
    }
    byte[] content;
    if (chunked) {
      content = readChunked(deadline);
    } else if (length >= 0) {
      content = readExactly((int) length, deadline);
    } else if (status == 204 || status == 304 || status / 100 == 1) {
      content = new byte[0];
    } else {
      content = readToEnd(deadline);
      closeAfter = true;
    }
    return new Read(new Answer(status, new String(content, StandardCharsets.UTF_8)), closeAfter);
  }

  private static long parseLength(String value) throws IOException {
    try {
      long n = Long.parseLong(value);
      if (n < 0 || n > MAX_ANSWER_BYTES) {
        throw new IOException("answer of " + value + " bytes, more than " + MAX_ANSWER_BYTES);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IOException("bad Content-Length: " + value, e);
    }
  }

  private byte[] readChunked(long deadline) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(deadline);
      int semi = sizeLine.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + sizeLine, e);
      }
      if (size < 0 || all.size() + (long) size > MAX_ANSWER_BYTES) {
        throw new IOException("chunked answer over " + MAX_ANSWER_BYTES + " bytes");
      }
      if (size == 0) {
        while (!readLine(deadline).isEmpty()) {
          // trailers
        }
        return all.toByteArray();
      }
      all.write(readExactly(size, deadline));
      readLine(deadline);
    }
  }

  private byte[] readExactly(int n, long deadline) throws IOException {
    byte[] buf = new byte[n];
    int off = 0;
    while (off < n) {
      arm(deadline);
      int r = in.read(buf, off, n - off);
      if (r < 0) {
        throw new EOFException("connection closed after " + off + " of " + n + " bytes");
      }
      off += r;
    }
    return buf;
  }

  private byte[] readToEnd(long deadline) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (true) {
      arm(deadline);
      int r = in.read(buf);
      if (r < 0) {
        return all.toByteArray();
      }
      if (all.size() + r > MAX_ANSWER_BYTES) {
        throw new IOException("answer over " + MAX_ANSWER_BYTES + " bytes");
      }
      all.write(buf, 0, r);
    }
  }

  /** Reads one CRLF-terminated line. */
  private String readLine(long deadline) throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      arm(deadline);
      int b = in.read();
      if (b < 0) {
        throw new EOFException(
            started
                ? "connection closed in the middle of the answer"
                : "connection closed before the answer");
      }
      started = true;
      if (b == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_HEADER_BYTES) {
        throw new IOException("answer line over " + MAX_HEADER_BYTES + " bytes");
      }
      line.append((char) b);
    }
  }

  /** Sets the socket's read timeout to what is left of the request's deadline. */
  private void arm(long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
    }
    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
  }
}
