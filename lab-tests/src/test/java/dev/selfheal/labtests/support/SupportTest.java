package dev.selfheal.labtests.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.selfheal.testsupport.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers fail the way the tests rely on, and record what they should. */
class SupportTest {

  @Test
  void aMissingBinaryFailsNamingItsDebianPackage() {
    Binaries.Binary missing =
        new Binaries.Binary(
            "Frobnicator", List.of("no-such-binary-for-lab-tests"), "frobnicator-tools");

    assertThat(missing.find()).isEmpty();
    assertThatExceptionOfType(AssertionError.class)
        .isThrownBy(missing::require)
        .withMessageContaining("Frobnicator not found")
        .withMessageContaining("install the Debian package 'frobnicator-tools'");
  }

  @Test
  void theInstalledToolsAreFound() {
    assertThat(Binaries.PROMTOOL.require()).isAbsolute();
    assertThat(Binaries.AMTOOL.require()).isAbsolute();
  }

  @Test
  void waitingForAProcessThatExitsFailsAtOnceWithItsLog() {
    try (ManagedProcess process =
        ManagedProcess.start("exits", List.of("/bin/sh", "-c", "echo boom; exit 3"), Map.of())) {
      assertThatExceptionOfType(AssertionError.class)
          .isThrownBy(
              () -> process.awaitHttpOk(URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(30)))
          .withMessageContaining("exited with code 3")
          .withMessageContaining("boom");
      assertThat(process.logFile()).startsWith(RepoPaths.target().resolve("process-logs"));
    }
  }

  @Test
  void closeStopsTheProcess() {
    ManagedProcess process = ManagedProcess.start("sleeper", List.of("sleep", "60"), Map.of());
    assertThat(process.isAlive()).isTrue();

    process.close();

    assertThat(process.isAlive()).isFalse();
  }

  @Test
  void webhookReceiverRecordsBodyAndAuthorization() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start("/alerts")) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<Void> post =
          client.send(
              HttpRequest.newBuilder(receiver.url())
                  .header("Authorization", "Bearer t0ken")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"version\":\"4\",\"status\":\"firing\"}"))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      HttpResponse<Void> get =
          client.send(
              HttpRequest.newBuilder(receiver.url()).GET().build(),
              HttpResponse.BodyHandlers.discarding());

      assertThat(post.statusCode()).isEqualTo(200);
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(receiver.deliveries())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.authorization()).isEqualTo("Bearer t0ken");
                assertThat(d.body().path("version").asText()).isEqualTo("4");
              });
    }
  }

  @Test
  void staticConfigIsAcceptedByPromtool(@TempDir Path dir) {
    Path config =
        StaticPrometheusConfig.job("model-server", Duration.ofSeconds(1))
            .target("127.0.0.1:8080")
            .label("namespace", "default")
            .label("pod", "model-server-6d9f7c8b5b-k2v4x")
            .label("deployment", "model-server")
            .alertmanager("127.0.0.1:9093")
            .writeTo(dir.resolve("prometheus.yml"));

    ToolRunner.Result result =
        ToolRunner.run(Binaries.PROMTOOL, dir, "check", "config", config.toString());

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> StaticPrometheusConfig.job("x", Duration.ofMillis(500)))
        .withMessageContaining("interval");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> StaticPrometheusConfig.job("x", Duration.ofSeconds(1)).target("http://a:1"))
        .withMessageContaining("host:port");
  }

  @Test
  void freePortsAreUsablePorts() {
    assertThat(FreePort.find()).isBetween(1024, 65535);
  }
}
