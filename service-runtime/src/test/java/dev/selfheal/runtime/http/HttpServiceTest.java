package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.testsupport.ProbeTimes;
import dev.selfheal.testsupport.RawClient;
import dev.selfheal.testsupport.SlowClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer against real sockets: routing, every limit, malformed HTTP, errors. */
class HttpServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpLimits LIMITS =
      new HttpLimits(
          1024,
          2048,
          1000,
          Duration.ofSeconds(3),
          Duration.ofSeconds(3),
          Duration.ofSeconds(4),
          4096);

  private final ExecutorService worker = Executors.newFixedThreadPool(2);
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpService service;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    service =
        HttpService.builder()
            .port(0, "PORT")
            .limits(LIMITS)
            .routes(
                Routes.of(
                    Route.get("/health", r -> Reply.json(200, Map.of("status", "alive"))),
                    Route.post("/echo", r -> Reply.bytes(200, "application/json", r.body()))
                        .on(worker),
                    Route.get("/items/{id}", r -> Reply.json(200, Map.of("id", r.pathParam("id")))),
                    Route.get("/query", r -> Reply.json(200, Map.of("q", "" + r.queryParam("q")))),
                    Route.get(
                        "/boom",
                        r -> {
                          throw new IllegalStateException("secret detail");
                        }),
                    Route.post(
                        "/tree", r -> Reply.json(200, Json.mapper().readTree(r.body()).size())),
                    Route.post(
                            "/slow",
                            r -> {
                              release.await(10, TimeUnit.SECONDS);
                              return Reply.json(200, Map.of("done", true));
                            })
                        .on(worker)))
            .start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    service.close();
    worker.shutdownNow();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + service.port() + path);
  }

  private static JsonNode json(String body) throws IOException {
    return JSON.readTree(body);
  }

  private static JsonNode bodyOf(String raw) throws IOException {
    return json(raw.substring(raw.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void routesByMethodAndPathWithJsonErrors() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(json(get("/items/42").body()).get("id").asText()).isEqualTo("42");

    HttpResponse<String> missing = get("/nope");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(missing.body()).get("code").asText()).isEqualTo("not_found");
    assertThat(get("/items/1/2").statusCode()).isEqualTo(404);

    HttpResponse<String> wrong =
        client.send(
            HttpRequest.newBuilder(uri("/health"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(json(wrong.body()).get("status").asInt()).isEqualTo(405);

    HttpResponse<String> head =
        client.send(
            HttpRequest.newBuilder(uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void contentTypeAndBodySizeAreChecked() throws Exception {
    HttpResponse<String> untyped =
        client.send(
            HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(untyped.statusCode()).isEqualTo(415);
    assertThat(json(untyped.body()).get("field").asText()).isEqualTo("Content-Type");

    HttpResponse<String> typed =
        client.send(
            HttpRequest.newBuilder(uri("/echo"))
                .header("Content-Type", "Application/JSON; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(typed.statusCode()).isEqualTo(200);
    assertThat(typed.body()).isEqualTo("{\"a\":1}");

    HttpResponse<String> large =
        client.send(
            HttpRequest.newBuilder(uri("/echo"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(5000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(json(large.body()).get("code").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void chunkedBodyOverTheLimitIs413() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      raw.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        raw.send("190\r\n" + "x".repeat(400) + "\r\n");
      }
      String answer = raw.readToClose();
      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(bodyOf(answer).get("code").asText()).isEqualTo("payload_too_large");
    }
  }

  @Test
  void aChunkedRequestEndsItsConnectionSoNothingCanBeSmuggledBehindIt() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      String answer =
          raw.send(
                  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "2\r\n[]\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n")
              .readToClose();
      assertThat(answer).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
      assertThat(answer.split("HTTP/1\\.1 ", -1)).as(answer).hasSize(2);
    }
  }

  @Test
  void malformedHttpGetsJson400s() throws Exception {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry(
                "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
                "400"),
            Map.entry("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "400"),
            Map.entry("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"),
            Map.entry(
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n",
                "431"),
            Map.entry(
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n",
                "400"),
            Map.entry("GET /health HTTP/9.9\r\n\r\n", "505"),
            Map.entry("GET /health\r\n\r\n", "400"),
            Map.entry("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n", "400"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      try (RawClient raw = new RawClient(service.port())) {
        String answer = raw.send(c.getKey()).readToClose();
        assertThat(answer).as(c.getKey()).matches("(?s)HTTP/1\\.[01] " + c.getValue() + " .*");
        assertThat(answer)
            .containsIgnoringCase("Content-Type: application/json")
            .doesNotContain("<");
        assertThat(bodyOf(answer).get("error").asText()).isNotBlank();
      }
    }
  }

  @Test
  void badQueryEscapesAndRawBytesInThePathGetJson() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      String answer = raw.send("GET /query?q=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 400");
      assertThat(bodyOf(answer).get("field").asText()).isEqualTo("q");
      answer = raw.send("GET /h\u00e9alth HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 404").contains("application/json");
      answer = raw.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 404").contains("application/json");
    }
  }

  @Test
  void handlerFailuresAre500WithoutDetailAndDeepJsonIs400() throws Exception {
    HttpResponse<String> boom = get("/boom");
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(boom.body()).doesNotContain("secret").doesNotContain("Exception");

    HttpResponse<String> deep =
        client.send(
            HttpRequest.newBuilder(uri("/tree"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[".repeat(400) + "]".repeat(400)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deep.statusCode()).isEqualTo(400);
    assertThat(json(deep.body()).get("error").asText()).contains("nesting");
  }

  @Test
  void aHeadTrickledPastItsDeadlineGets408AndIsClosed() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      raw.send("GET /health HTTP/1.1\r\nHost: x\r\n");
      long start = System.nanoTime();
      String answer = raw.readToClose();
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(bodyOf(answer).get("code").asText()).isEqualTo("request_timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStalledBodyGets408() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      raw.send(
          "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"a\":");
      String answer = raw.readToClose();
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(bodyOf(answer).get("field").asText()).isEqualTo("body");
    }
  }

  @Test
  void keepAliveConnectionsServeManyRequestsThenCloseWhenIdle() throws Exception {
    try (RawClient raw = new RawClient(service.port())) {
      for (int i = 0; i < 3; i++) {
        assertThat(raw.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
            .startsWith("HTTP/1.1 200");
      }
      long start = System.nanoTime();
      assertThat(raw.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(3500), Duration.ofSeconds(10));
    }
  }

  @Test
  void slowClientsHoldNoThreadProbesAndWorkStillAnswer() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    ProbeTimes probes = new ProbeTimes();
    try (SlowClients attack =
        SlowClients.open(service.port(), 256, "/health", 256, List.of("/echo"))) {
      assertThat(attack.size()).isEqualTo(512);
      for (int i = 0; i < 20; i++) {
        assertThat(probes.time(() -> get("/health")).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> echo =
          client.send(
              HttpRequest.newBuilder(uri("/echo"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("[1]"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(echo.body()).isEqualTo("[1]");
      assertThat(probes.wellInsideProbeTimeouts()).as(probes.toString()).isTrue();
      assertThat(attack.statusLines())
          .hasSize(512)
          .allMatch(line -> line.startsWith("HTTP/1.1 408"));
    }
  }

  @Test
  void drainFinishesWorkInProgressAndAsksClientsToReconnect() throws Exception {
    var pending =
        client.sendAsync(
            HttpRequest.newBuilder(uri("/slow"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> service.inProgress() == 1);
    try (RawClient keepAlive = new RawClient(service.port())) {
      assertThat(keepAlive.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
          .startsWith("HTTP/1.1 200")
          .doesNotContainIgnoringCase("connection: close");
      Thread drainer = new Thread(() -> service.drain(Duration.ofSeconds(10)));
      drainer.start();
      await().atMost(Duration.ofSeconds(5)).until(service::draining);
      String during = keepAlive.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(during).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");
      release.countDown();
      assertThat(pending.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      drainer.join(10_000);
      assertThat(drainer.isAlive()).isFalse();
    }
  }

  @Test
  void aFullTableOfBusyConnectionsRefusesTheNewcomerWith503() throws Exception {
    service.close();
    service =
        HttpService.builder()
            .port(0, "PORT")
            .limits(
                new HttpLimits(
                    1024,
                    2048,
                    1000,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    2))
            .routes(
                Routes.of(
                    Route.post(
                            "/slow",
                            r -> {
                              release.await(10, TimeUnit.SECONDS);
                              return Reply.json(200, Map.of("done", true));
                            })
                        .on(worker)))
            .start();
    String slow =
        "POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n{}";
    try (RawClient a = new RawClient(service.port());
        RawClient b = new RawClient(service.port())) {
      a.send(slow);
      b.send(slow);
      await().atMost(Duration.ofSeconds(5)).until(() -> service.inProgress() == 2);
      // Both slots have a request in progress: nothing can be shed, the newcomer is refused.
      try (RawClient c = new RawClient(service.port())) {
        assertThat(c.readToClose()).startsWith("HTTP/1.1 503").contains("too_many_connections");
      }
      release.countDown();
      assertThat(a.readResponse()).startsWith("HTTP/1.1 200");
      assertThat(b.readResponse()).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aBusyPortIsNamedWithItsSetting() {
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(
            () ->
                HttpService.builder()
                    .port(service.port(), "PORT")
                    .routes(Routes.of(Route.get("/", r -> Reply.json(200, Map.of()))))
                    .start())
        .withMessageContaining("port " + service.port())
        .withMessageContaining("PORT");
  }
}
