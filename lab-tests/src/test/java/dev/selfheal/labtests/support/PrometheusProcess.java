package dev.selfheal.labtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.testsupport.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A real Prometheus server (Debian package {@code prometheus}) on a free loopback port, with its
 * configuration and TSDB in a fresh directory under {@code target/}. The configuration is written
 * by the caller (see {@link #configFile()}); with {@link Builder#enableLifecycle()} it can be
 * reloaded after changes.
 */
public final class PrometheusProcess implements AutoCloseable {

  private final ManagedProcess process;
  private final int port;
  private final Path configFile;

  private PrometheusProcess(Builder builder, Path workDir) {
    this.port = FreePort.find();
    this.configFile = builder.configFile;
    List<String> command = new ArrayList<>();
    command.add(Binaries.PROMETHEUS.require().toString());
    command.add("--config.file=" + configFile);
    command.add("--storage.tsdb.path=" + workDir.resolve("data"));
    command.add("--web.listen-address=127.0.0.1:" + port);
    if (builder.lifecycle) {
      command.add("--web.enable-lifecycle");
    }
    command.addAll(builder.extraFlags);
    this.process = ManagedProcess.start("prometheus", command, java.util.Map.of());
    try {
      process.awaitHttpOk(uri("/-/ready"), builder.readyTimeout);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /** A builder for a server reading {@code configFile}. */
  public static Builder builder(Path configFile) {
    return new Builder(configFile);
  }

  /** {@code http://127.0.0.1:<port><pathAndQuery>}. */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  /** The configuration file the server reads. */
  public Path configFile() {
    return configFile;
  }

  /** Instant query; returns {@code data.result} (an array). */
  public JsonNode query(String promql) {
    return api("/api/v1/query?query=" + encode(promql)).path("data").path("result");
  }

  /**
   * Range query over the last {@code lookback}, one point per second; returns {@code data.result}.
   */
  public JsonNode queryRange(String promql, Duration lookback) {
    long end = System.currentTimeMillis() / 1000 + 1;
    long start = end - lookback.toSeconds();
    return api("/api/v1/query_range?query="
            + encode(promql)
            + "&start="
            + start
            + "&end="
            + end
            + "&step=1")
        .path("data")
        .path("result");
  }

  /** Active alerts (pending and firing); returns {@code data.alerts}. */
  public JsonNode alerts() {
    return api("/api/v1/alerts").path("data").path("alerts");
  }

  /** Active scrape targets; returns {@code data.activeTargets}. */
  public JsonNode activeTargets() {
    return api("/api/v1/targets?state=active").path("data").path("activeTargets");
  }

  /** Asks the server to re-read its configuration; needs {@link Builder#enableLifecycle()}. */
  public void reload() {
    int status = HttpJson.postEmpty(uri("/-/reload"));
    if (status != 200) {
      throw new AssertionError("reload answered " + status + "\n" + process.logTail());
    }
  }

  /** The underlying process, e.g. for its log. */
  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }

  private JsonNode api(String pathAndQuery) {
    JsonNode body = HttpJson.get(uri(pathAndQuery));
    if (!"success".equals(body.path("status").asText())) {
      throw new AssertionError("Prometheus API " + pathAndQuery + " failed: " + body);
    }
    return body;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Configures and starts a {@link PrometheusProcess}. */
  public static final class Builder {
    private final Path configFile;
    private final List<String> extraFlags = new ArrayList<>();
    private boolean lifecycle;
    private Duration readyTimeout = Duration.ofSeconds(30);

    private Builder(Path configFile) {
      this.configFile = Objects.requireNonNull(configFile).toAbsolutePath();
    }

    /** Adds {@code --web.enable-lifecycle} so {@link #reload()} works. */
    public Builder enableLifecycle() {
      this.lifecycle = true;
      return this;
    }

    /** Adds a raw command-line flag, e.g. {@code --rules.alert.resend-delay=1s}. */
    public Builder flag(String flag) {
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("flag must start with --: " + flag);
      }
      extraFlags.add(flag);
      return this;
    }

    /** How long to wait for {@code /-/ready} (default 30 s). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Starts the server and waits until it is ready. The config file must exist. */
    public PrometheusProcess start() {
      if (!Files.isRegularFile(configFile)) {
        throw new IllegalStateException("Prometheus config file missing: " + configFile);
      }
      try {
        Path workDir = Files.createTempDirectory(ensureTarget(), "prometheus-");
        return new PrometheusProcess(this, workDir);
      } catch (IOException e) {
        throw new UncheckedIOException("no work directory for Prometheus", e);
      }
    }
  }

  static Path ensureTarget() throws IOException {
    return Files.createDirectories(RepoPaths.target());
  }
}
