package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.RawClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Probes never lose to a full connection table. The limit is configurable; the test uses 64 (not
 * the default 4096, to keep the machine's file descriptors and time in bounds) and opens twice as
 * many connections of each kind: ones that sent one {@code /health} and idle inside the idle
 * timeout, ones that never send a byte, and ones that send half a head and stop. New connections
 * shed the connection that has waited longest; every probe answers 200.
 */
class ConnectionLimitTest {
  private static final int LIMIT = 64;
  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<RawClient> held = new ArrayList<>();
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
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(60),
                    LIMIT))
            .routes(Routes.of(Route.get("/health", r -> Reply.json(200, Map.of("ok", true)))))
            .start();
  }

  @AfterEach
  void stop() throws IOException {
    for (RawClient connection : held) {
      connection.close();
    }
    service.close();
  }

  private void probesAnswer200() throws Exception {
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> probe =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
    }
  }

  @Test
  void idleKeepAliveConnectionsMakeRoomForProbes() throws Exception {
    for (int i = 0; i < 2 * LIMIT; i++) {
      RawClient idle = new RawClient(service.port());
      held.add(idle);
      // Each one is admitted (an older idle one is shed) and answered.
      assertThat(idle.send(HEALTH).readResponse()).startsWith("HTTP/1.1 200");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> service.connections() <= LIMIT);
    probesAnswer200();
  }

  @Test
  void silentAndSlowHeadConnectionsMakeRoomForProbes() throws Exception {
    for (int i = 0; i < 2 * LIMIT; i++) {
      held.add(new RawClient(service.port()));
      held.add(new RawClient(service.port()).send("GET /health HTTP/1.1\r\nHo"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> service.connections() <= LIMIT + 1);
    probesAnswer200();
  }
}
