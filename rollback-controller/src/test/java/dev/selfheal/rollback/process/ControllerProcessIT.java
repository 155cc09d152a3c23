package dev.selfheal.rollback.process;

import static dev.selfheal.testsupport.HttpStatus.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.FreePort;
import dev.selfheal.testsupport.k8s.MockApiServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged controller as its own process, against fabric8's mock API server: it becomes ready
 * (Lease taken, watch synced), and SIGTERM drains its HTTP side, releases the Lease and exits 0,
 * which Kubernetes records as "Completed" rather than "Error".
 */
class ControllerProcessIT {
  private static final Path JAR = Path.of("target", "rollback-controller.jar");

  @TempDir Path dir;
  private final KubernetesMockServer api = MockApiServer.crud();
  private Process process;

  @BeforeEach
  void startApi() {
    api.init();
  }

  @AfterEach
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    api.destroy();
  }

  @Test
  void sigtermReleasesTheLeaseAndExitsZero() throws Exception {
    assertThat(JAR).as("run after package").exists();
    int port = FreePort.find();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(List.of(java, "-jar", JAR.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("controller.log").toFile());
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("WEBHOOK_TOKEN", "process-test-token-0123456789abcdef");
    builder.environment().put("POD_NAMESPACE", "default");
    builder.environment().put("POD_NAME", "controller-process-it");
    builder.environment().put("KUBERNETES_MASTER", api.url("/"));
    builder.environment().put("KUBERNETES_TRUST_CERTIFICATES", "true");
    builder.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    builder.environment().put("KUBERNETES_NAMESPACE", "default");
    process = builder.start();

    Path log = dir.resolve("controller.log");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .failFast("controller exited: " + log, () -> !process.isAlive())
        .until(() -> status(port, "/ready") == 200);
    assertThat(status(port, "/health")).isEqualTo(200);

    process.destroy(); // SIGTERM

    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("controller.log"))).isZero();
  }
}
