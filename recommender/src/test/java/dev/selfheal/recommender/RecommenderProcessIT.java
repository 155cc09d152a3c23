package dev.selfheal.recommender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.recommender.loader.EmbeddingLoader;
import dev.selfheal.recommender.loader.LoaderConfig;
import dev.selfheal.recommender.testing.HttpProbe;
import dev.selfheal.recommender.testing.RedisProcess;
import dev.selfheal.testsupport.FreePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real entry point as its own process: configuration errors, and the SIGTERM drain. */
class RecommenderProcessIT {

  private Process process;
  private Path output;

  @AfterEach
  void kill() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (output != null) {
      Files.deleteIfExists(output);
    }
  }

  private Process start(Map<String, String> env) throws Exception {
    output = Files.createTempFile("recommender-", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "-XX:TieredStopAtLevel=1",
                    "dev.selfheal.recommender.Main"))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().putAll(env);
    process = builder.start();
    return process;
  }

  @Test
  void badConfigurationFailsFastNamingTheVariable() throws Exception {
    Process p = start(Map.of("REDIS_PORT", "sixthousand"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(Files.readString(output)).contains("REDIS_PORT must be an integer");
  }

  @Test
  void sigtermTurnsReadinessOffKeepsLivenessAndExits() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      assertThat(
              EmbeddingLoader.run(
                  LoaderConfig.fromEnv(
                      Map.of(
                          "REDIS_HOST", "127.0.0.1",
                          "REDIS_PORT", Integer.toString(redis.port()),
                          "EMBEDDINGS_COUNT", "500",
                          "EMBEDDINGS_DIM", "16"))))
          .isZero();
      int port = FreePort.find();
      start(
          Map.of(
              "PORT", Integer.toString(port),
              "REDIS_HOST", "127.0.0.1",
              "REDIS_PORT", Integer.toString(redis.port()),
              "PROFILE_API_URL", "http://127.0.0.1:" + FreePort.find(),
              "WARMUP_MIN_SECONDS", "0",
              "SHUTDOWN_DRAIN_SECONDS", "6",
              "SHUTDOWN_GRACE_SECONDS", "1"));
      HttpProbe http = new HttpProbe(port);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> http.get("/ready").status() == 200);
      // No profile API at all: answers degrade, the process stays ready.
      assertThat(http.get("/recommendations?user=u1").body().get("degraded").asBoolean()).isTrue();

      process.destroy(); // SIGTERM
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> http.get("/ready").status() == 503);
      assertThat(http.get("/health").status()).as("alive while draining").isEqualTo(200);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(output))
          .contains("Shutdown requested")
          .contains("Recommender stopped (drained: true)");
      assertThat(process.exitValue()).as("a clean drain is exit 0, not 143").isZero();
    }
  }
}
