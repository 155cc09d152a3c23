package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The drain under load, against real sockets: keep-alive clients sending in a loop (and opening a
 * new connection when told {@code Connection: close}), a client opening a new connection for every
 * {@code /health} like the kubelet's liveness probe, and a request in progress when the drain
 * starts. Every request written completely must get a complete answer, never a reset or an end
 * without one; {@code /health} on a new connection answers 200 until the server stops listening.
 */
class DrainRacesTest {
  private static final int DRAINS = 20;
  private static final int KEEP_ALIVE_CLIENTS = 12;
  private static final String WORK = "GET /work HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String SLOW = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";

  private final ExecutorService worker = Executors.newFixedThreadPool(2);
  private final ExecutorService clients = Executors.newCachedThreadPool();
  private final Queue<String> lost = new ConcurrentLinkedQueue<>();
  private final Queue<String> wrong = new ConcurrentLinkedQueue<>();
  private final AtomicInteger connects = new AtomicInteger();
  private final AtomicInteger firstRequestsFailed = new AtomicInteger();
  private HttpService service;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    clients.shutdownNow();
    worker.shutdownNow();
  }

  @Test
  void keepAliveLoadAndNewConnectionsLoseNoRequestThroughManyDrains() throws Exception {
    int answered = 0;
    int probes = 0;
    List<DrainReport> reports = new ArrayList<>();
    for (int drain = 0; drain < DRAINS; drain++) {
      connects.set(0);
      firstRequestsFailed.set(0);
      CountDownLatch slowStarted = new CountDownLatch(1);
      service = start(HttpLimits.defaults(), slowStarted);
      int port = service.port();
      AtomicInteger answers = new AtomicInteger();
      AtomicInteger probed = new AtomicInteger();
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int i = 0; i < KEEP_ALIVE_CLIENTS; i++) {
        running.add(clients.submit(() -> keepAliveLoop(port, WORK, answers)));
      }
      running.add(clients.submit(() -> keepAliveLoop(port, SLOW, new AtomicInteger())));
      running.add(clients.submit(() -> probeLoop(port, probed)));
      assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
      int before = answers.get();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> answers.get() >= before + 10 * KEEP_ALIVE_CLIENTS && probed.get() >= 5);
      reports.add(service.drain(Duration.ofSeconds(3)));
      for (java.util.concurrent.Future<?> client : running) {
        client.get(20, TimeUnit.SECONDS);
      }
      // A connection the kernel had queued when the listening socket closed is reset by the kernel
      // (the server never saw it); every one the server accepted must end with its answers.
      long neverAccepted = connects.get() - service.acceptedConnections();
      if (firstRequestsFailed.get() != neverAccepted) {
        lost.add(
            "drain "
                + drain
                + ": "
                + firstRequestsFailed.get()
                + " first requests on a connection failed, "
                + neverAccepted
                + " connection(s) never accepted by the server");
      }
      service = null;
      answered += answers.get();
      probes += probed.get();
    }
    assertThat(lost).as("requests written completely that got no complete answer").isEmpty();
    assertThat(wrong).as("answers other than 200 or a JSON 503").isEmpty();
    assertThat(reports).allMatch(DrainReport::drained, "drained");
    assertThat(answered).isGreaterThan(DRAINS * KEEP_ALIVE_CLIENTS * 10);
    assertThat(probes).isGreaterThan(DRAINS * 5);
  }

  @Test
  void aPartialHeadEverySecondDoesNotHoldTheDrainIsAnsweredAndLeavesItClean() throws Exception {
    HttpLimits limits =
        new HttpLimits(
            4096,
            8192,
            65_536,
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            4096);
    service = start(limits, new CountDownLatch(1));
    int port = service.port();
    Queue<String> cutAnswers = new ConcurrentLinkedQueue<>();
    AtomicInteger opened = new AtomicInteger();
    var attacker = clients.submit(() -> partialHeads(port, opened, cutAnswers));
    await().atMost(Duration.ofSeconds(10)).until(() -> opened.get() >= 2);
    long start = System.nanoTime();
    DrainReport report = service.drain(Duration.ofSeconds(15));
    double seconds = (System.nanoTime() - start) / 1e9;
    service = null;
    attacker.get(20, TimeUnit.SECONDS);
    // The head deadline is 1 s (a head may take 0.5 s more once it started): far from the 15 s.
    assertThat(seconds).as("drain seconds").isLessThan(5);
    // Each trickled head was answered (503 shutting_down, then the end): nothing was lost, so the
    // drain is clean and the service exits 0.
    assertThat(report.drained()).isTrue();
    assertThat(report.headsRefused()).isPositive();
    assertThat(report.toString())
        .isEqualTo(
            "drained: true, "
                + report.headsRefused()
                + " unfinished head(s) answered 503 shutting_down");
    assertThat(cutAnswers)
        .isNotEmpty()
        .allMatch(a -> a.startsWith("HTTP/1.1 503") && a.contains("\"code\":\"shutting_down\""));
  }

  private HttpService start(HttpLimits limits, CountDownLatch slowStarted) {
    return HttpService.builder()
        .port(0, "PORT")
        .limits(limits)
        .eventLoops(2)
        .routes(
            Routes.of(
                Route.get("/health", r -> Reply.json(200, Map.of("status", "alive"))),
                Route.get("/work", r -> Reply.json(200, Map.of("done", true))).on(worker),
                Route.get(
                        "/slow",
                        r -> {
                          slowStarted.countDown();
                          // Work that takes a while: in progress when the drain starts.
                          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
                          return Reply.json(200, Map.of("done", true));
                        })
                    .on(worker)))
        .start();
  }

  /** Sends {@code request} in a loop, on a new connection whenever told to close, until refused. */
  private void keepAliveLoop(int port, String request, AtomicInteger answers) {
    while (true) {
      try (Socket socket = connect(port)) {
        if (socket == null) {
          return;
        }
        boolean first = true;
        while (true) {
          Answer answer = exchange(socket, request, first);
          first = false;
          if (answer == null) {
            break;
          }
          answers.incrementAndGet();
          if (answer.close()) {
            break;
          }
        }
      } catch (IOException e) {
        wrong.add("close failed: " + e);
      }
    }
  }

  /** Like the kubelet: a new connection for every {@code /health}, every few ms, until refused. */
  private void probeLoop(int port, AtomicInteger probed) {
    while (true) {
      try (Socket socket = connect(port)) {
        if (socket == null) {
          return;
        }
        Answer answer = exchange(socket, HEALTH, true);
        if (answer != null) {
          probed.incrementAndGet();
          if (!answer.head().startsWith("HTTP/1.1 200")) {
            wrong.add("probe: " + answer.head());
          }
        }
      } catch (IOException e) {
        wrong.add("close failed: " + e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3));
    }
  }

  /** Opens a connection with part of a head every 250 ms and never finishes it, until refused. */
  private void partialHeads(int port, AtomicInteger opened, Queue<String> cutAnswers) {
    List<Socket> open = new ArrayList<>();
    try {
      while (true) {
        Socket socket = connect(port);
        if (socket == null) {
          break;
        }
        open.add(socket);
        if (!write(socket, "GET /health HTTP/1.1\r\nHo")) {
          wrong.add("partial head not written");
        }
        opened.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
      }
      for (Socket socket : open) {
        String answer = readAll(socket);
        if (answer.contains("shutting_down")) {
          cutAnswers.add(answer);
        } else if (!answer.startsWith("HTTP/1.1 408")) {
          wrong.add("partial head answered: " + answer);
        }
      }
    } catch (IOException e) {
      wrong.add("partial head: " + e);
    } finally {
      for (Socket socket : open) {
        try {
          socket.close();
        } catch (IOException e) {
          wrong.add("close failed: " + e);
        }
      }
    }
  }

  /**
   * Writes {@code request} and reads its answer; null when either failed. A failure on a
   * connection's first request counts as one (the connection may never have been accepted); a later
   * one is a lost request.
   */
  private Answer exchange(Socket socket, String request, boolean first) {
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    Answer answer = write(socket, request) ? read(socket, request, failures) : null;
    if (answer == null) {
      if (first) {
        firstRequestsFailed.incrementAndGet();
      } else {
        lost.addAll(failures.isEmpty() ? List.of(request + ": not written") : failures);
      }
    }
    return answer;
  }

  /** A connected socket, or null when the server no longer listens. */
  private Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      connects.incrementAndGet();
      socket.setSoTimeout(10_000);
      return socket;
    } catch (IOException e) {
      // Refused, or reset during the handshake: the listening socket has closed.
      socket.close();
      return null;
    }
  }

  /** Writes the whole request; false when the connection would not take it (not written). */
  private static boolean write(Socket socket, String request) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The whole answer to a request written completely, or null (recorded as lost) without one. */
  private Answer read(Socket socket, String request, Queue<String> lost) {
    String what = request.substring(0, request.indexOf(' ', 4));
    try {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          lost.add(what + ": end of stream after " + head.size() + " bytes of the answer");
          return null;
        }
        head.write(b);
        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int length = -1;
      boolean close = false;
      for (String line : text.split("\r\n")) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(lower.substring(15).trim());
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      byte[] body = in.readNBytes(Math.max(0, length));
      if (length < 0 || body.length < length) {
        lost.add(what + ": answer cut short: " + text);
        return null;
      }
      String bodyText = new String(body, StandardCharsets.UTF_8);
      boolean ok =
          text.startsWith("HTTP/1.1 200")
              || (text.startsWith("HTTP/1.1 503") && bodyText.startsWith("{\"error\""));
      if (!ok) {
        wrong.add(what + ": " + text + bodyText);
      }
      return new Answer(text, close);
    } catch (IOException e) {
      lost.add(what + ": " + e);
      return null;
    }
  }

  private static String readAll(Socket socket) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      socket.getInputStream().transferTo(all);
    } catch (IOException e) {
      // What arrived is what the test looks at.
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  private record Answer(String head, boolean close) {}
}
