package dev.selfheal.modelserver.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.testing.TestServer;
import dev.selfheal.testsupport.ProbeTimes;
import dev.selfheal.testsupport.SlowClients;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 256 connections that trickle a request head and 256 that stall a body (on {@code /predict},
 * {@code /feedback} and {@code /infer}) hold no thread: every probe and {@code /metrics} still
 * answers well inside the manifests' probe timeouts (3 s and 5 s), {@code /predict} still serves,
 * and every slow connection is answered 408 once its deadline passes.
 */
class SlowClientsTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        TestServer.start(
            Map.of("HTTP_HEADER_TIMEOUT_SECONDS", "3", "HTTP_BODY_TIMEOUT_SECONDS", "3"),
            TestServer::realModel,
            dir);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void slowClientsStarveNothing() throws Exception {
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    ProbeTimes probes = new ProbeTimes();
    try (SlowClients attack =
        SlowClients.open(
            server.server().port(),
            256,
            "/health",
            86,
            List.of("/predict", "/feedback", "/v2/models/fraud-detector/infer"))) {
      assertThat(attack.size()).isEqualTo(256 + 258);
      for (int round = 0; round < 5; round++) {
        for (String probe : List.of("/health", "/ready", "/metrics", "/v2/health/ready")) {
          assertThat(probes.time(() -> server.get(probe)).statusCode()).as(probe).isEqualTo(200);
        }
      }
      HttpResponse<String> predicted =
          server.send(
              HttpRequest.newBuilder(server.uri("/predict"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(TestServer.VALID_BODY)));
      assertThat(predicted.statusCode()).isEqualTo(200);
      assertThat(probes.wellInsideProbeTimeouts()).as(probes.toString()).isTrue();
      assertThat(attack.statusLines())
          .hasSize(attack.size())
          .allMatch(line -> line.startsWith("HTTP/1.1 408"));
    }
  }
}
