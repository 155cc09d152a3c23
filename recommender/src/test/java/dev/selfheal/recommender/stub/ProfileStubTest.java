package dev.selfheal.recommender.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.selfheal.recommender.embeddings.EmbeddingGenerator;
import dev.selfheal.recommender.profile.UserProfile;
import dev.selfheal.recommender.ranking.ScoredItem;
import dev.selfheal.recommender.testing.HttpProbe;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileStubTest {

  @Test
  void historiesAreDeterministicAndComeFromOneCluster() {
    ProfileGenerator generator = new ProfileGenerator(1600, 8, 7);
    UserProfile profile = generator.profile("alice").orElseThrow();
    assertThat(profile).isEqualTo(new ProfileGenerator(1600, 8, 7).profile("alice").orElseThrow());
    assertThat(profile.history()).hasSize(8);
    int cluster = generator.clusterOf("alice");
    assertThat(profile.history())
        .allSatisfy(
            id -> {
              int n = ScoredItem.parseId(id).orElseThrow();
              assertThat(n).isBetween(0, 1599);
              assertThat(EmbeddingGenerator.clusterOf(n)).isEqualTo(cluster);
            });
    assertThat(generator.profile("cold-bob")).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> new ProfileGenerator(3, 1, 0));
  }

  @Test
  void configFromEnvironment() {
    StubConfig config =
        StubConfig.fromEnv(Map.of("PROFILE_LATENCY_MS", "250", "PROFILE_OUTAGE", "true"));
    assertThat(config.port()).isEqualTo(8081);
    assertThat(config.faults()).isEqualTo(new Faults(250, 0, true));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> StubConfig.fromEnv(Map.of("PROFILE_ERROR_RATE", "2")))
        .withMessageStartingWith("PROFILE_ERROR_RATE must be in");
  }

  @Test
  void switchesFlipAtRuntimeThroughTheAdminEndpoint() throws Exception {
    try (ProfileStubServer stub =
        ProfileStubServer.start(
            StubConfig.fromEnv(Map.of("PORT", "0", "PROFILE_ITEM_COUNT", "1600")))) {
      HttpProbe http = new HttpProbe(stub.port());
      assertThat(http.get("/health").status()).isEqualTo(200);
      HttpProbe.Reply profile = http.get("/profiles/alice");
      assertThat(profile.status()).isEqualTo(200);
      assertThat(profile.body().get("history")).hasSize(8);
      assertThat(http.get("/profiles/cold-1").status()).isEqualTo(404);

      HttpProbe.Reply flipped = http.post("/admin/faults", "{\"outage\": true}");
      assertThat(flipped.status()).isEqualTo(200);
      assertThat(flipped.body().get("outage").asBoolean()).isTrue();
      assertThat(http.get("/profiles/alice").status()).isEqualTo(503);

      http.post("/admin/faults", "{\"outage\": false, \"errorRate\": 1.0}");
      assertThat(http.get("/profiles/alice").status()).isEqualTo(500);

      http.post("/admin/faults", "{\"errorRate\": 0, \"latencyMs\": 30}");
      assertThat(http.get("/admin/faults").body().get("latencyMs").asLong()).isEqualTo(30);
      assertThat(http.get("/profiles/alice").status()).isEqualTo(200);
      stub.setFaults(Faults.none());
      assertThat(stub.faults()).isEqualTo(Faults.none());
    }
  }

  @Test
  void badAdminInputIsA400NamingTheField() throws Exception {
    try (ProfileStubServer stub =
        ProfileStubServer.start(StubConfig.fromEnv(Map.of("PORT", "0")))) {
      HttpProbe http = new HttpProbe(stub.port());
      HttpProbe.Reply badRate = http.post("/admin/faults", "{\"errorRate\": 3}");
      assertThat(badRate.status()).isEqualTo(400);
      assertThat(badRate.body().get("field").asText()).isEqualTo("errorRate");
      assertThat(http.post("/admin/faults", "{\"errorRate\": \"x\"}").body().get("field").asText())
          .isEqualTo("errorRate");
      assertThat(http.post("/admin/faults", "{\"latencyMs\": 1.5}").body().get("field").asText())
          .isEqualTo("latencyMs");
      assertThat(http.post("/admin/faults", "{\"outage\": \"yes\"}").body().get("field").asText())
          .isEqualTo("outage");
      assertThat(http.post("/admin/faults", "not json").body().get("field").asText())
          .isEqualTo("body");
      assertThat(http.post("/admin/faults", "[1]").status()).isEqualTo(400);
      assertThat(http.post("/admin/faults", "x".repeat(5000)).status()).isEqualTo(413);
      assertThat(http.method("DELETE", "/admin/faults").status()).isEqualTo(405);
      assertThat(stub.faults()).isEqualTo(Faults.none());
    }
  }
}
