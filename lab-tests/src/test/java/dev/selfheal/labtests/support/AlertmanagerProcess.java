package dev.selfheal.labtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.testsupport.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real Alertmanager (Debian package {@code prometheus-alertmanager}) on a free loopback port,
 * with its storage in a fresh directory under {@code target/} and clustering switched off ({@code
 * --cluster.listen-address=}), so no gossip port is opened and a single instance settles at once.
 */
public final class AlertmanagerProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int port;

  private AlertmanagerProcess(Path configFile, Path workDir, Duration readyTimeout) {
    this.port = FreePort.find();
    List<String> command =
        List.of(
            Binaries.ALERTMANAGER.require().toString(),
            "--config.file=" + configFile,
            "--storage.path=" + workDir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=");
    this.process = ManagedProcess.start("alertmanager", command, Map.of());
    try {
      process.awaitHttpOk(uri("/-/ready"), readyTimeout);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /** Starts Alertmanager with {@code configFile} and waits until it is ready. */
  public static AlertmanagerProcess start(Path configFile) {
    Objects.requireNonNull(configFile);
    if (!Files.isRegularFile(configFile)) {
      throw new IllegalStateException("Alertmanager config file missing: " + configFile);
    }
    try {
      Path workDir = Files.createTempDirectory(PrometheusProcess.ensureTarget(), "alertmanager-");
      return new AlertmanagerProcess(configFile.toAbsolutePath(), workDir, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new UncheckedIOException("no work directory for Alertmanager", e);
    }
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** {@code 127.0.0.1:<port>}, as a Prometheus alertmanagers target. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Alerts Alertmanager currently holds (API v2). */
  public JsonNode alerts() {
    return HttpJson.get(uri("/api/v2/alerts"));
  }

  /** The underlying process, e.g. for its log. */
  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
