package dev.selfheal.recommender.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.recommender.config.RecommenderConfig.BreakerSettings;
import dev.selfheal.recommender.config.RecommenderConfig.ProfileSettings;
import dev.selfheal.recommender.stub.Faults;
import dev.selfheal.recommender.stub.ProfileStubServer;
import dev.selfheal.recommender.stub.StubConfig;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against the real stub on port 0. */
class HttpProfileClientTest {

  private ProfileStubServer stub;

  @BeforeEach
  void start() throws Exception {
    stub = ProfileStubServer.start(StubConfig.fromEnv(Map.of("PORT", "0")));
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private HttpProfileClient client(Duration timeout) {
    return new HttpProfileClient(
        new ProfileSettings(
            URI.create("http://127.0.0.1:" + stub.port() + "/"),
            timeout,
            new BreakerSettings(50, 10, 5, Duration.ofSeconds(1), 2)),
        new ObjectMapper());
  }

  @Test
  void fetchesAProfile() throws Exception {
    UserProfile profile = client(Duration.ofSeconds(10)).fetch("alice");
    assertThat(profile.user()).isEqualTo("alice");
    assertThat(profile.history()).hasSize(8).allMatch(id -> id.startsWith("item-"));
  }

  @Test
  void unknownUserIsItsOwnException() {
    assertThatExceptionOfType(UnknownUserException.class)
        .isThrownBy(() -> client(Duration.ofSeconds(10)).fetch("cold-1"))
        .withMessage("unknown user cold-1");
  }

  @Test
  void errorStatusesAndSlowAnswersAreIoFailures() throws Exception {
    HttpProfileClient client = client(Duration.ofSeconds(10));
    client.fetch("warm-up"); // first call pays for connection set-up
    stub.setFaults(new Faults(0, 0, true));
    assertThatExceptionOfType(ProfileApiException.class)
        .isThrownBy(() -> client.fetch("alice"))
        .withMessage("profile API answered HTTP 503");
    stub.setFaults(new Faults(0, 1.0, false));
    assertThatExceptionOfType(ProfileApiException.class)
        .isThrownBy(() -> client.fetch("alice"))
        .withMessage("profile API answered HTTP 500");
    stub.setFaults(new Faults(3000, 0, false));
    assertThatExceptionOfType(HttpTimeoutException.class)
        .isThrownBy(() -> client(Duration.ofMillis(200)).fetch("alice"));
  }
}
