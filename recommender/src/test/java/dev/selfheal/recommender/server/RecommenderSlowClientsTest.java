package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.LoadedRecommender;
import dev.selfheal.testsupport.ProbeTimes;
import dev.selfheal.testsupport.RawClient;
import dev.selfheal.testsupport.SlowClients;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The recommender under slow clients: 256 connections trickling a head and 256 stalling a body (the
 * service takes no body, so they aim at {@code /recommendations} with one announced) hold no
 * request worker; every probe answers within a kubelet probe timeout, recommendations are still
 * served, and the slow connections end with 408.
 */
class RecommenderSlowClientsTest {
  private static final int ITEMS = 300;

  private LoadedRecommender recommender;
  private RecommenderApp app;
  private HttpProbe http;

  @BeforeEach
  void start() {
    recommender = LoadedRecommender.start(ITEMS);
    app = recommender.app();
    http = recommender.http();
  }

  @AfterEach
  void stop() {
    recommender.close();
  }

  @Test
  void slowClientsStarveNothing() throws Exception {
    assertThat(http.get("/recommendations?user=u1").status()).isEqualTo(200);
    ProbeTimes probes = new ProbeTimes();
    try (SlowClients attack =
        SlowClients.open(app.port(), 256, "/health", 256, "GET", List.of("/recommendations"))) {
      for (int round = 0; round < 5; round++) {
        for (String probe : List.of("/startup", "/health", "/ready", "/metrics")) {
          assertThat(probes.time(() -> http.get(probe)).status()).as(probe).isEqualTo(200);
        }
      }
      assertThat(http.get("/recommendations?user=u2").status()).isEqualTo(200);
      assertThat(probes.wellInsideProbeTimeouts()).as(probes.toString()).isTrue();
      assertThat(attack.statusLines())
          .hasSize(512)
          .allMatch(line -> line.startsWith("HTTP/1.1 408"));
    }
  }

  @Test
  void malformedQueriesAndMethodsGetJson() throws Exception {
    try (RawClient raw = new RawClient(app.port())) {
      String answer =
          raw.send("GET /recommendations?user=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 400").contains("\"field\":\"user\"");
      answer =
          raw.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").readResponse();
      assertThat(answer).startsWith("HTTP/1.1 405").containsIgnoringCase("Allow: GET, HEAD");
    }
  }
}
