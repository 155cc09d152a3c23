package dev.selfheal.traffic.lane;

import dev.selfheal.traffic.client.Transport.Answer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 keep-alive connection, used by one request at a time (not thread-safe: a {@link
 * Lane} owns it). Knowing which connection a request travels on is the point: a Kubernetes Service
 * balances connections, not requests, so the pod that answered a prediction is the pod at the other
 * end of this socket, and the prediction's feedback must go on the same socket.
 *
 * <p>Requests are small JSON POSTs; answers are read by {@code Content-Length}, chunked, or to the
 * end of the connection, and capped at {@link #MAX_ANSWER_BYTES}.
 */
final class Http1Connection implements AutoCloseable {

  /** Largest answer read; the model server's are a few hundred bytes. */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final URI base;
  private final Duration timeout;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int requestsOnSocket;
  private boolean answerStarted;

  /**
   * A connection to {@code base} (http or https), opened on the first request.
   *
   * @param base the server's base URL
   * @param timeout connect timeout, and the deadline of each request
   */
  Http1Connection(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
  }

  /** True while a socket is open. */
  boolean open() {
    return socket != null;
  }

  /**
   * POSTs {@code body} as JSON to {@code path} (appended to the base URL's path) and reads the
   * answer. A reused connection that the server closed while it was idle is reopened once; any
   * other failure closes the connection and is thrown.
   *
   * @param path e.g. {@code /predict}
   * @param body the JSON body
   * @param bearer a bearer token, or null
   * @return the answer
   * @throws IOException no answer ({@link SocketTimeoutException} when the deadline passed)
   */
  Answer post(String path, byte[] body, String bearer) throws IOException {
    boolean reused = open() && requestsOnSocket > 0;
    try {
      return exchange(path, body, bearer);
    } catch (IOException e) {
      close();
      // The server closes a keep-alive connection that idled too long; the request then fails
      // before any byte of an answer. Once, on a new connection. A timeout is not that.
      if (!reused || answerStarted || e instanceof SocketTimeoutException) {
        throw e;
      }
      try {
        return exchange(path, body, bearer);
      } catch (IOException again) {
        close();
        throw again;
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Answer exchange(String path, byte[] body, String bearer) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    answerStarted = false;
    if (!open()) {
      connect();
    }
    requestsOnSocket++;
    StringBuilder head = new StringBuilder(256);
    String basePath = base.getRawPath() == null ? "" : base.getRawPath();
    head.append("POST ").append(basePath).append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(base.getHost());
    if (base.getPort() != -1) {
      head.append(':').append(base.getPort());
    }
    head.append("\r\nContent-Type: application/json\r\nAccept: application/json\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n");
    if (bearer != null) {
      head.append("Authorization: Bearer ").append(bearer).append("\r\n");
    }
    head.append("\r\n");
    // One write: a request split in two segments can wait for a delayed ACK (Nagle) on the way.
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    out.write(request);
    out.flush();
    return readAnswer(deadline);
  }

  private void connect() throws IOException {
    boolean tls = "https".equalsIgnoreCase(base.getScheme());
    int port = base.getPort() != -1 ? base.getPort() : tls ? 443 : 80;
    Socket plain = new Socket();
    try {
      plain.setTcpNoDelay(true);
      plain.connect(new InetSocketAddress(base.getHost(), port), (int) timeout.toMillis());
      Socket s = plain;
      if (tls) {
        SSLSocket ssl =
            (SSLSocket)
                ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(plain, base.getHost(), port, true);
        ssl.setSoTimeout((int) timeout.toMillis());
        ssl.startHandshake();
        s = ssl;
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream());
      out = s.getOutputStream();
      requestsOnSocket = 0;
    } catch (IOException e) {
      plain.close();
      throw e;
    }
  }

  private Answer readAnswer(long deadline) throws IOException {
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
    if (closeAfter) {
      close();
    }
    return new Answer(status, new String(content, StandardCharsets.UTF_8));
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
            answerStarted
                ? "connection closed in the middle of the answer"
                : "connection closed before the answer");
      }
      answerStarted = true;
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

  /** Closes the socket; the next request opens a new connection (to whichever pod). */
  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // Closing a socket we are done with: nothing to do.
      }
    }
  }
}
