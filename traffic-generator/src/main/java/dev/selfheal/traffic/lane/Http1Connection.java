package dev.selfheal.traffic.lane;

import dev.selfheal.traffic.client.Transport.Answer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 keep-alive connection, used by one request at a time (not thread-safe: a {@link
 * Lane} owns it). Knowing which connection a request travels on is the point: a Kubernetes Service
 * balances connections, not requests, so the pod that answered a prediction is the pod at the other
 * end of this socket, and the prediction's feedback must go on the same socket.
 *
 * <p>Requests are small JSON POSTs; answers are read by {@code Content-Length}, chunked, or to the
 * end of the connection, and capped at {@link AnswerReader#MAX_ANSWER_BYTES} (read by {@link
 * AnswerReader}).
 */
final class Http1Connection implements AutoCloseable {

  private final URI base;
  private final Duration timeout;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private int requestsOnSocket;
  private AnswerReader reader;

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
      if (!reused || answerStarted() || e instanceof SocketTimeoutException) {
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
    reader = null;
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
    reader = new AnswerReader(socket, in, timeout);
    AnswerReader.Read read = reader.read(deadline);
    if (read.closeAfter()) {
      close();
    }
    return read.answer();
  }

  /** True once a byte of the current request's answer has arrived. */
  private boolean answerStarted() {
    return reader != null && reader.started();
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
