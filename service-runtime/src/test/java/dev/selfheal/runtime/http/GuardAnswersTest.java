package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.testsupport.RawClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers the layer gives below the routes: broken chunk framing gets the JSON 400 (not a silent
 * close), a half-closed client still gets its answer, and every guard answer (408, 503, 400, 414,
 * 431, 505) reaches the request observer with its status.
 */
class GuardAnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final List<Integer> observed = new CopyOnWriteArrayList<>();
  private HttpService service;

  @BeforeEach
  void start() {
    service =
        HttpService.builder()
            .port(0, "PORT")
            .limits(
                new HttpLimits(
                    1024,
                    2048,
                    1000,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(10),
                    1))
            .observer((method, route, status, seconds) -> observed.add(status))
            .routes(
                Routes.of(
                    Route.get("/health", r -> Reply.json(200, Map.of("ok", true))),
                    Route.post("/echo", r -> Reply.bytes(200, "application/json", r.body()))
                        .on(worker)))
            .start();
  }

  @AfterEach
  void stop() {
    service.close();
    worker.shutdownNow();
  }

  private String exchange(String request) throws Exception {
    String answer;
    try (RawClient client = new RawClient(service.port())) {
      answer = client.send(request).readToClose();
    }
    // The table holds one connection: the next exchange waits for this one to leave it.
    await().atMost(Duration.ofSeconds(5)).until(() -> service.connections() == 0);
    return answer;
  }

  private static String chunked(String sizeLine) {
    return "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
        + sizeLine
        + "\r\n{}\r\n0\r\n\r\n";
  }

  @Test
  void brokenChunkFramingGetsTheJson400() throws Exception {
    for (String sizeLine : List.of("ZZ", "-2", "2;ext=" + "x".repeat(20 * 1024))) {
      String answer = exchange(chunked(sizeLine));
      assertThat(answer)
          .as(sizeLine.substring(0, Math.min(20, sizeLine.length())))
          .startsWith("HTTP/1.1 400");
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(JSON.readTree(body).get("code").asText()).isEqualTo("bad_request");
      assertThat(JSON.readTree(body).get("field").asText()).isEqualTo("body");
    }
    // Twenty hex digits: the decoder takes the size modulo 2^32 rather than refusing it, so the
    // request waits for a body that never comes and gets the body deadline's JSON 408.
    String overflow = exchange(chunked("1".repeat(20)));
    assertThat(overflow).startsWith("HTTP/1.1 408").contains("\"field\":\"body\"");
    assertThat(exchange(chunked("2"))).startsWith("HTTP/1.1 200").endsWith("{}");
  }

  @Test
  void aHalfClosedClientStillGetsItsAnswer() throws Exception {
    try (RawClient client = new RawClient(service.port())) {
      client
          .send(
              "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 11\r\n\r\n{\"a\":12345}")
          .shutdownOutput();
      String answer = client.readToClose();
      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("{\"a\":12345}");
    }
  }

  @Test
  void guardAnswersAreObservedWithTheirStatus() throws Exception {
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\n")).startsWith("HTTP/1.1 408");
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"))
        .startsWith("HTTP/1.1 400");
    assertThat(exchange("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.0 414");
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\nX: " + "b".repeat(3000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431");
    assertThat(exchange("GET /health HTTP/2.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 505");
    // The table holds one connection, busy with a body still to come: nothing to shed.
    try (RawClient busy = new RawClient(service.port())) {
      busy.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 10\r\n\r\n{");
      await().atMost(Duration.ofSeconds(5)).until(() -> service.inProgress() == 1);
      assertThat(exchange("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 503");
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(observed).contains(408, 400, 414, 431, 505, 503));
  }
}
