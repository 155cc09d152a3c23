package dev.selfheal.modelserver.process;

import static dev.selfheal.testsupport.HttpStatus.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.RawClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a separate process: {@code java -jar target/model-server.jar}. SIGTERM
 * ({@link Process#destroy()} on Linux) must turn readiness 503 at once, keep liveness 200 while an
 * in-flight request drains, answer that request and exit 0.
 */
class ModelServerProcessIT {
  private static final Path JAR = Path.of("target", "model-server.jar");
  private static final String BODY =
      "{\"amount\": 125.5, \"hour\": 14, \"distance_from_home_km\": 3.2,"
          + " \"transactions_last_24h\": 2, \"merchant_category\": \"grocery\","
          + " \"card_present\": true}";

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  @AfterEach
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private Process launch(Map<String, String> env) throws IOException {
    return launch(env, List.of());
  }

  private Process launch(Map<String, String> env, List<String> jvmFlags) throws IOException {
    assertThat(JAR).as("run after package").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", JAR.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile());
    builder.environment().put("UNREADY_FILE", dir.resolve("unready").toString());
    builder.environment().put("UNHEALTHY_FILE", dir.resolve("unhealthy").toString());
    builder.environment().putAll(env);
    return builder.start();
  }

  private String metrics(int port) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * Serving reads the weights exported from the Tribuo artifact: by the time the server is ready
   * and has answered a prediction, not one class of Tribuo, OLCUT or protobuf has been loaded.
   */
  @Test
  void servingLoadsNoTribuoOrProtobufClass() throws Exception {
    int port = freePort();
    Path classes = dir.resolve("classes.txt");
    process =
        launch(
            Map.of("PORT", Integer.toString(port)),
            List.of("-Xlog:class+load=info:file=" + classes));
    awaitReady(port);
    HttpResponse<String> answer =
        client.send(predictRequest(port).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).anyMatch(line -> line.contains(" dev.selfheal.modelserver.model."));
    assertThat(loaded)
        .noneMatch(
            line ->
                line.contains(" org.tribuo.")
                    || line.contains(" com.oracle.labs.")
                    || line.contains(" com.google.protobuf."));
  }

  @Test
  void sigtermDrainsInFlightWorkAndExitsZero() throws Exception {
    int port = freePort();
    process =
        launch(
            Map.of(
                "PORT", Integer.toString(port),
                "FAULT_LATENCY_MS", "5000",
                "SHUTDOWN_GRACE_SECONDS", "15"));
    awaitReady(port);

    CompletableFuture<HttpResponse<String>> slow = predictAsync(port, Duration.ofSeconds(30));
    awaitInFlight(port, "v1.0", 1, Duration.ofSeconds(10));

    process.destroy(); // SIGTERM

    awaitUnready(port);
    assertThat(status(port, "/health")).isEqualTo(200);
    assertThat(slow).isNotDone();

    HttpResponse<String> answered = slow.get(30, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).contains("\"version\":\"v1.0\"");
    assertExitsZeroWithin(20);
    assertThat(serverLog()).contains("Shutdown complete (drained: true)");
  }

  private HttpRequest.Builder predictRequest(int port) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY));
  }

  private CompletableFuture<HttpResponse<String>> predictAsync(int port, Duration timeout) {
    return client.sendAsync(
        predictRequest(port).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady(int port) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status(port, "/ready") == 200);
  }

  /** Readiness fails soon after SIGTERM. */
  private void awaitUnready(int port) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(port, "/ready") == 503);
  }

  /** Waits until the server counts {@code count} requests of {@code version} in flight. */
  private void awaitInFlight(int port, String version, int count, Duration atMost) {
    String gauge = "model_requests_in_flight{version=\"" + version + "\"} " + count + ".0";
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> metrics(port).contains(gauge));
  }

  private void assertExitsZeroWithin(int seconds) throws InterruptedException {
    assertThat(process.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }

  /**
   * SIGTERM while the model is stalled, before the watchdog's verdict: the drain does not wait its
   * whole grace period on requests that cannot finish; the watchdog answers them 503 {@code
   * model_stuck}, the drain ends with every request answered and the process exits 0.
   */
  @Test
  void sigtermDuringAStallAnswersEveryRequestAndExitsZero() throws Exception {
    int port = freePort();
    process =
        launch(
            Map.of(
                "PORT", Integer.toString(port),
                "MODEL_VERSION", "v2.0",
                "FAULT_STALL_AFTER_SECONDS", "12",
                "HEARTBEAT_INTERVAL_MS", "200",
                "LIVENESS_TIMEOUT_SECONDS", "5",
                "SHUTDOWN_GRACE_SECONDS", "15"));
    awaitReady(port);

    // The server's own word that the stall has begun (the canary trips it within a heartbeat),
    // not a slow answer, which a loaded machine can give too: from here every prediction parks.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> serverLog().contains("Latent fault tripped"));
    List<CompletableFuture<HttpResponse<String>>> waiting = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waiting.add(predictAsync(port, Duration.ofSeconds(40)));
    }
    // All six are accepted and parked before the signal, well before the stuck verdict.
    awaitInFlight(port, "v2.0", 6, Duration.ofSeconds(3));
    long signalled = System.nanoTime();
    process.destroy(); // SIGTERM

    for (CompletableFuture<HttpResponse<String>> future : waiting) {
      HttpResponse<String> answer = future.get(20, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.body()).contains("\"code\":\"model_stuck\"");
      assertThat(answer.headers().firstValue("Connection")).hasValue("close");
    }
    assertExitsZeroWithin(20);
    // Well inside the grace period: the drain ended when the last stuck request was answered.
    assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(12));
    assertThat(serverLog()).contains("Shutdown complete (drained: true)");
  }

  /**
   * Clients that send one request after another on keep-alive connections while SIGTERM arrives:
   * each is told {@code Connection: close} on an answer, none has a request cut off unanswered, and
   * the process exits 0.
   */
  @Test
  void sigtermUnderKeepAliveLoadLosesNoRequest() throws Exception {
    int port = freePort();
    process = launch(Map.of("PORT", Integer.toString(port), "SHUTDOWN_GRACE_SECONDS", "10"));
    awaitReady(port);
    List<KeepAliveLoop> loops = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      loops.add(new KeepAliveLoop(port, i % 2 == 0 ? "GET /health" : "POST /predict"));
    }
    loops.forEach(Thread::start);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> loops.stream().allMatch(l -> l.answered > 20));

    process.destroy(); // SIGTERM

    for (KeepAliveLoop loop : loops) {
      loop.join(20_000);
      assertThat(loop.isAlive()).isFalse();
      assertThat(loop.lost).as("requests written but never answered").isZero();
      assertThat(loop.toldToClose).as("answered with Connection: close").isTrue();
    }
    assertExitsZeroWithin(20);
  }

  /**
   * A hostile client trickles a request head, a byte at a time, while SIGTERM arrives: the drain
   * answers it 503 {@code shutting_down} once the head deadline has passed rather than waiting for
   * it or cutting it, reports it, and the process exits 0 (a refused head is not a lost request).
   */
  @Test
  void sigtermWithAHeadBeingTrickledAnswersItAndExitsZero() throws Exception {
    int port = freePort();
    process =
        launch(
            Map.of(
                "PORT", Integer.toString(port),
                "FAULT_LATENCY_MS", "3000",
                "SHUTDOWN_GRACE_SECONDS", "20"));
    awaitReady(port);
    CompletableFuture<HttpResponse<String>> slow = predictAsync(port, Duration.ofSeconds(30));
    awaitInFlight(port, "v1.0", 1, Duration.ofSeconds(10));
    process.destroy(); // SIGTERM
    awaitUnready(port);
    // The port still listens while the slow request is in progress; the attacker's head starts now.
    try (RawClient trickler = new RawClient(port)) {
      trickler.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      // One byte of a header value every 200 ms, for as long as the server takes them.
      Thread trickle =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    trickler.send("a");
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                  }
                } catch (IOException e) {
                  // The server ended the connection.
                }
              });
      trickle.start();
      String answer = trickler.readToClose();
      trickle.interrupt();
      assertThat(answer)
          .as("what the trickling client read; the server's log:%n%s", serverLog())
          .startsWith("HTTP/1.1 503")
          .contains("\"code\":\"shutting_down\"");
    }
    assertThat(slow.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertExitsZeroWithin(25);
    assertThat(serverLog())
        .contains(
            "Shutdown complete (drained: true, 1 unfinished head(s) answered 503 shutting_down)");
  }

  private String serverLog() throws IOException {
    return Files.readString(dir.resolve("server.log"));
  }

  /** One client sending requests back to back on one keep-alive connection until told to close. */
  private static final class KeepAliveLoop extends Thread {
    private final int port;
    private final String request;
    volatile int answered;
    volatile int lost;
    volatile boolean toldToClose;

    KeepAliveLoop(int port, String methodAndPath) {
      this.port = port;
      this.request =
          methodAndPath.startsWith("POST")
              ? methodAndPath
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                  + BODY.length()
                  + "\r\n\r\n"
                  + BODY
              : methodAndPath + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    @Override
    public void run() {
      try (RawClient connection = new RawClient(port)) {
        while (!toldToClose) {
          connection.send(request);
          String answer;
          try {
            answer = connection.readResponse();
          } catch (IOException e) {
            lost++;
            return;
          }
          answered++;
          toldToClose = answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close");
        }
      } catch (IOException e) {
        // Writing failed: the request never reached the server, so nothing was lost.
      }
    }
  }

  @Test
  void invalidConfigurationFailsFastNamingTheVariable() throws Exception {
    process = launch(Map.of("ACCURACY_THRESHOLD", "high"));

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("ACCURACY_THRESHOLD must be a number");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
