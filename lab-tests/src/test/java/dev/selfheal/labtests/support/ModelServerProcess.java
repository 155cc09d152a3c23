package dev.selfheal.labtests.support;

import dev.selfheal.testsupport.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The real model server ({@code dev.selfheal.modelserver.Main}) as a separate JVM, started from
 * this test JVM's class path (model-server is a test dependency), on a free port, configured
 * through environment variables exactly as in a pod.
 */
public final class ModelServerProcess implements AutoCloseable {

  private static final String MAIN_CLASS = "dev.selfheal.modelserver.Main";

  private final ManagedProcess process;
  private final int port;
  private final String modelVersion;
  private final Duration startToReady;

  private ModelServerProcess(Builder builder) {
    this.port = builder.port;
    this.modelVersion = builder.env.getOrDefault("MODEL_VERSION", "v1.0");
    Map<String, String> env = new LinkedHashMap<>(builder.env);
    env.put("PORT", Integer.toString(port));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(builder.jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN_CLASS);
    this.process = ManagedProcess.start("model-server-" + modelVersion, command, env);
    try {
      this.startToReady = process.awaitHttpOk(uri("/ready"), builder.readyTimeout);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /** A builder; {@code MODEL_VERSION} defaults to the server's own default ({@code v1.0}). */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return port;
  }

  /** {@code host:port}, as a scrape target. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The MODEL_VERSION it was started with. */
  public String modelVersion() {
    return modelVersion;
  }

  /** {@code http://127.0.0.1:<port><path>}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Wall time from process start until {@code /ready} first answered 200. */
  public Duration startToReady() {
    return startToReady;
  }

  /**
   * CPU time (user + system, all threads) the JVM has used so far, as reported by the operating
   * system.
   */
  public Duration cpuTime() {
    return process
        .handle()
        .info()
        .totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the OS does not report CPU time"));
  }

  /** The underlying process, e.g. for its log. */
  public ManagedProcess process() {
    return process;
  }

  /**
   * Stops the server (SIGTERM: it drains for SHUTDOWN_GRACE_SECONDS, then exits), e.g. to take a
   * pod away in the middle of a test; calling it again, or {@link #close()} afterwards, does
   * nothing more.
   */
  public void stop() {
    process.close();
  }

  @Override
  public void close() {
    stop();
  }

  /** Configures and starts a {@link ModelServerProcess}. */
  public static final class Builder {
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private int port = -1;
    private Duration readyTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * Sets one of the server's environment variables (see CONTRACTS: MODEL_VERSION,
     * FAULT_STALL_AFTER_SECONDS…).
     */
    public Builder env(String name, String value) {
      if (name.equals("PORT")) {
        throw new IllegalArgumentException("PORT is chosen by the builder; use port(int)");
      }
      env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
      return this;
    }

    /** Adds a JVM option, e.g. {@code -XX:+UseSerialGC}. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(Objects.requireNonNull(arg));
      return this;
    }

    /** A fixed port; by default a free one. */
    public Builder port(int port) {
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** How long to wait for {@code /ready} to answer 200 (default 60 s). */
    public Builder readyTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("readyTimeout must be positive");
      }
      this.readyTimeout = timeout;
      return this;
    }

    /**
     * Starts the server and waits until {@code /ready} answers 200. Unless set, the probe switch
     * files (UNREADY_FILE, UNHEALTHY_FILE) go to a fresh temporary directory, so parallel servers,
     * or a stray {@code /tmp/unready}, cannot flip each other's probes.
     */
    public ModelServerProcess start() {
      if (port < 0) {
        port = FreePort.find();
      }
      if (!env.containsKey("UNREADY_FILE") || !env.containsKey("UNHEALTHY_FILE")) {
        try {
          Path dir = Files.createTempDirectory("model-server-probes-");
          env.putIfAbsent("UNREADY_FILE", dir.resolve("unready").toString());
          env.putIfAbsent("UNHEALTHY_FILE", dir.resolve("unhealthy").toString());
        } catch (IOException e) {
          throw new UncheckedIOException("no temporary directory for the probe files", e);
        }
      }
      return new ModelServerProcess(this);
    }
  }
}
