package dev.selfheal.rollback.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.ControllerApp;
import dev.selfheal.rollback.TestConfigs;
import dev.selfheal.rollback.Webhooks;
import dev.selfheal.testsupport.ProbeTimes;
import dev.selfheal.testsupport.RawClient;
import dev.selfheal.testsupport.SlowClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's HTTP side under attack from inside the cluster: 256 connections trickling a head
 * and 256 stalling an {@code /alerts} body hold no thread, the probes and {@code /metrics} answer
 * within a kubelet probe timeout, a real webhook is still processed, and every slow connection ends
 * with 408. Malformed HTTP gets the JSON error body.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerSlowClientsTest {
  KubernetesClient client;
  private ControllerApp app;

  @BeforeEach
  void start() {
    app = TestConfigs.startLeading(client, Map.of(), Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void slowClientsStarveNeitherProbesNorWebhooks() throws Exception {
    for (String probe : List.of("/health", "/ready", "/metrics")) {
      assertThat(Webhooks.get(app.port(), probe).statusCode()).as(probe).isEqualTo(200);
    }
    ProbeTimes probes = new ProbeTimes();
    try (SlowClients attack =
        SlowClients.open(app.port(), 256, "/ready", 256, List.of("/alerts"))) {
      for (int round = 0; round < 5; round++) {
        for (String probe : List.of("/health", "/ready", "/metrics")) {
          assertThat(probes.time(() -> Webhooks.get(app.port(), probe)).statusCode())
              .as(probe)
              .isEqualTo(200);
        }
      }
      HttpResponse<String> delivered =
          Webhooks.post(app.port(), Webhooks.firing(Instant.now()), "Bearer " + Webhooks.TOKEN);
      assertThat(delivered.statusCode()).isEqualTo(200);
      assertThat(probes.wellInsideProbeTimeouts()).as(probes.toString()).isTrue();
      assertThat(attack.statusLines())
          .hasSize(512)
          .allMatch(line -> line.startsWith("HTTP/1.1 408"));
    }
  }

  @Test
  void malformedAndOversizedRequestsGetJsonErrors() throws Exception {
    try (RawClient raw = new RawClient(app.port())) {
      String answer = raw.send("GET /health?x=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 200");
      answer =
          raw.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 405").contains("\"status\":405");
      answer = raw.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 404").contains("\"code\":\"not_found\"");
    }
    try (RawClient raw = new RawClient(app.port())) {
      String answer =
          raw.send(
                  "POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: 99999999\r\n\r\n")
              .readToClose();
      assertThat(answer).startsWith("HTTP/1.1 413").contains("payload_too_large");
    }
    try (RawClient raw = new RawClient(app.port())) {
      String answer = raw.send("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\r\n\r\n").readToClose();
      // The version of a request that does not parse is unknown: the answer says HTTP/1.0.
      assertThat(answer)
          .matches("(?s)HTTP/1\\.[01] 400 .*")
          .contains("\"error\"")
          .doesNotContain("<");
    }
  }
}
