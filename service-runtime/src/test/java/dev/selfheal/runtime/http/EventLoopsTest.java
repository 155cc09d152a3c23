package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.testsupport.RawClient;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connections spread over the event loops: each loop runs a server instance on the one port. */
class EventLoopsTest {
  private HttpService service;

  @BeforeEach
  void start() {
    service =
        HttpService.builder()
            .port(0, "PORT")
            .eventLoops(4)
            .routes(
                Routes.of(
                    Route.get(
                        "/thread",
                        r -> Reply.json(200, Map.of("thread", Thread.currentThread().getName())))))
            .start();
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void connectionsAreServedByMoreThanOneEventLoop() throws Exception {
    Set<String> threads = new HashSet<>();
    for (int i = 0; i < 8; i++) {
      try (RawClient client = new RawClient(service.port())) {
        String answer =
            client
                .send("GET /thread HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                .readToClose();
        assertThat(answer).startsWith("HTTP/1.1 200");
        threads.add(
            answer.substring(answer.indexOf("\"thread\":\"") + 10, answer.lastIndexOf('"')));
      }
    }
    assertThat(threads).allMatch(name -> name.startsWith("vert.x-eventloop-thread-"));
    assertThat(threads).as("event-loop threads that served connections").hasSizeGreaterThan(1);
  }
}
