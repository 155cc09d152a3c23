package dev.selfheal.recommender.testing;

import static org.awaitility.Awaitility.await;

import dev.selfheal.testsupport.FreePort;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} on a free port, without persistence, for integration tests. Fails
 * (never skips) when the binary is missing, naming the Debian package.
 */
public final class RedisProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private RedisProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts redis-server on a free port. */
  public static RedisProcess start() throws IOException {
    return start(FreePort.find());
  }

  /** Starts redis-server on the given port and waits until it answers PING. */
  public static RedisProcess start(int port) throws IOException {
    String binary = locate();
    Path log = Files.createTempFile("redis-" + port + "-", ".log");
    Process process =
        new ProcessBuilder(
                List.of(
                    binary,
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    RedisProcess redis = new RedisProcess(process, port, log);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("redis-server exited: " + Files.readString(log));
                }
                try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                  return "PONG".equals(jedis.ping());
                }
              });
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  private static String locate() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, "redis-server");
      if (candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    for (String fallback : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (new File(fallback).canExecute()) {
        return fallback;
      }
    }
    throw new AssertionError(
        "redis-server not found on PATH: install the Debian package redis-server "
            + "(apt-get install redis-server, or run scripts/test.sh which installs it)");
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** A new client connection. */
  public Jedis client() {
    return new Jedis("127.0.0.1", port);
  }

  /** Stops the server and waits for it to exit. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // temp file; harmless if it stays
    }
  }
}
