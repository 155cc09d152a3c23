package dev.selfheal.labtests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child process owned by a test: started with its output captured in {@code
 * target/process-logs/<name>-<n>.log}, stopped by {@link #close()} (SIGTERM, then SIGKILL after a
 * grace period) and, should the test JVM exit first, by a shutdown hook. The process helpers in
 * this package wrap one of these.
 */
public final class ManagedProcess implements AutoCloseable {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;

  private ManagedProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(process::destroyForcibly, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code command} with {@code extraEnv} added to this JVM's environment.
   *
   * @param name short name for the log file and messages, e.g. {@code "prometheus"}
   */
  public static ManagedProcess start(
      String name, List<String> command, Map<String, String> extraEnv) {
    Path logDir = RepoPaths.target().resolve("process-logs");
    Path logFile = logDir.resolve(name + "-" + SEQUENCE.incrementAndGet() + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(extraEnv);
      builder.redirectErrorStream(true);
      builder.redirectOutput(logFile.toFile());
      return new ManagedProcess(name, builder.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + command, e);
    }
  }

  /** The short name given at start. */
  public String name() {
    return name;
  }

  /** The file that receives the process's stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The operating-system handle, e.g. for CPU time. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /**
   * Waits until {@code GET url} answers 200, failing early (with the log's tail) if the process
   * exits.
   *
   * @return the time waited
   */
  public Duration awaitHttpOk(URI url, Duration timeout) {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited with code "
                + process.exitValue()
                + " before "
                + url
                + " answered 200\n"
                + logTail());
      }
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.between(start, Instant.now());
        }
      } catch (IOException e) {
        // Not listening yet: poll again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + name, e);
      }
      // Polling a child process that offers no readiness signal other than HTTP: pause between
      // attempts.
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + name, e);
      }
    }
    throw new AssertionError(
        name + ": " + url + " did not answer 200 within " + timeout + "\n" + logTail());
  }

  /** The last lines of the captured output, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      int from = Math.max(0, lines.size() - 40);
      return "--- last lines of "
          + logFile
          + " ---\n"
          + String.join("\n", lines.subList(from, lines.size()));
    } catch (IOException e) {
      return "(log " + logFile + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the process: SIGTERM, and SIGKILL if it has not exited after a grace period. */
  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook runs anyway.
      }
    }
  }
}
