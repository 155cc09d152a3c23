package dev.selfheal.recommender.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.RecommenderApp;
import dev.selfheal.recommender.config.RecommenderConfig;
import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.embeddings.EmbeddingSet;
import dev.selfheal.recommender.profile.HttpProfileClient;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.TestConfigs;
import dev.selfheal.testsupport.ProbeTimes;
import dev.selfheal.testsupport.RawClient;
import dev.selfheal.testsupport.SlowClients;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

  private ProfileStubServer stub;
  private RecommenderApp app;
  private HttpProbe http;

  @BeforeEach
  void start() {
    stub =
        ProfileStubServer.start(
            StubConfig.fromEnv(Map.of("PORT", "0", "PROFILE_ITEM_COUNT", Integer.toString(ITEMS))));
    RecommenderConfig config =
        TestConfigs.config(Map.of("PROFILE_API_URL", "http://127.0.0.1:" + stub.port()));
    EmbeddingSet set = new EmbeddingGenerator(16, 42).generate(ITEMS, 200);
    app =
        RecommenderApp.start(
            config,
            new PrometheusRegistry(),
            progress -> {
              progress.update(set.size(), set.size());
              return set;
            },
            new HttpProfileClient(config.profile(), new ObjectMapper()));
    http = new HttpProbe(app.port());
    await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/ready").status() == 200);
  }

  @AfterEach
  void stop() {
    app.close();
    stub.close();
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
