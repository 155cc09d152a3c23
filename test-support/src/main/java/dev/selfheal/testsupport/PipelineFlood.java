package dev.selfheal.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pipelining attack: one connection with a 4 KiB receive buffer writes the same request
 * thousands of times in one go and never reads an answer. A server that answers each pipelined
 * request as soon as it is decoded buffers every answer it cannot send.
 */
public final class PipelineFlood implements AutoCloseable {
  private final Socket socket = new Socket();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;

  private PipelineFlood(int port, String request, int times) throws IOException {
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    byte[] one = request.getBytes(StandardCharsets.ISO_8859_1);
    byte[] batch = new byte[one.length * 100];
    for (int i = 0; i < 100; i++) {
      System.arraycopy(one, 0, batch, i * one.length, one.length);
    }
    writer =
        new Thread(
            () -> {
              try {
                OutputStream out = socket.getOutputStream();
                for (int sent = 0; sent < times; sent += 100) {
                  out.write(batch);
                  written.addAndGet(batch.length);
                }
                out.flush();
              } catch (IOException e) {
                // The server closed the connection under the writer: what the test wants.
              }
            },
            "pipeline-flood");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Starts writing {@code request} (a whole request, head and body) {@code times} times (rounded up
   * to a hundred) onto one connection to {@code port}, and never reads.
   */
  public static PipelineFlood start(int port, String request, int times) throws IOException {
    return new PipelineFlood(port, request, times);
  }

  /**
   * Runs the attack against {@code port}: 8,000 {@code GET attackPath} on one connection that never
   * reads, while 40 probes of {@code probePath} are sent one after another on other connections,
   * each given {@link #PROBE_TIMEOUT}; then reads the attacker's connection until the server closes
   * it (15 s at most).
   */
  public static Outcome attack(int port, String attackPath, String probePath) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    URI probe = URI.create("http://127.0.0.1:" + port + probePath);
    int failed = 0;
    ProbeTimes times = new ProbeTimes();
    long before = DirectMemory.used();
    long peak = before;
    boolean closed;
    try (PipelineFlood flood = start(port, get(attackPath), 8_000)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (flood.written() < 64 * 1024 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      for (int i = 0; i < 40; i++) {
        try {
          int status =
              times.time(
                  () ->
                      client
                          .send(
                              HttpRequest.newBuilder(probe).timeout(PROBE_TIMEOUT).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode());
          failed += status == 200 ? 0 : 1;
        } catch (java.io.IOException e) {
          failed++;
        }
        peak = Math.max(peak, DirectMemory.used());
      }
      closed = flood.closedByServer(Duration.ofSeconds(15));
      peak = Math.max(peak, DirectMemory.used());
    }
    return new Outcome(failed, times, peak - before, closed);
  }

  /** What each probe is given during {@link #attack}: far inside the manifests' 3 s and 5 s. */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  /**
   * What {@link #attack} saw.
   *
   * @param failedProbes probes that timed out or did not answer 200
   * @param probes how long the probes took
   * @param directMemoryGrowth bytes of direct memory at the attack's peak above its start
   * @param attackerClosed whether the server closed the attacker's connection
   */
  public record Outcome(
      int failedProbes, ProbeTimes probes, long directMemoryGrowth, boolean attackerClosed) {
    @Override
    public String toString() {
      return failedProbes
          + " failed probes, "
          + probes
          + ", direct memory +"
          + directMemoryGrowth / 1024
          + " KiB, attacker closed: "
          + attackerClosed;
    }
  }

  /** A {@code GET path} request with a Host header, as the attack sends it. */
  public static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: attacker\r\n\r\n";
  }

  /** Bytes the attacker has written so far. */
  public long written() {
    return written.get();
  }

  /**
   * Reads and throws away what the server sent until it closes the connection; true when it did
   * within {@code within}.
   */
  public boolean closedByServer(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[65_536];
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      try {
        if (in.read(buffer) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
