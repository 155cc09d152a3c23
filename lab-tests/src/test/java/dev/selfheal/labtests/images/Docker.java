package dev.selfheal.labtests.images;

import dev.selfheal.labtests.support.Binaries;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.labtests.support.ToolRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code docker} command line, run from the repository root. A missing binary or engine fails
 * the test in CI ({@code CI=true}) and names the Debian package; elsewhere the test is skipped with
 * the same message, since a laptop without Docker should still run the rest of the suite.
 */
final class Docker {

  static final Binaries.Binary DOCKER =
      new Binaries.Binary("the docker command", List.of("docker"), "docker.io");

  private final Path binary;

  private Docker(Path binary) {
    this.binary = binary;
  }

  /**
   * The outcome of one command.
   *
   * @param exitCode its exit code
   * @param output stdout and stderr, interleaved
   */
  record Result(int exitCode, String output) {

    boolean succeeded() {
      return exitCode == 0;
    }

    /** The last {@code lines} lines of the output, for failure messages. */
    String tail(int lines) {
      String[] all = output.split("\n");
      int from = Math.max(0, all.length - lines);
      return String.join("\n", List.of(all).subList(from, all.length));
    }
  }

  /** A usable Docker: the binary exists and its engine answers; otherwise fails or skips. */
  static Docker require() {
    Path binary = DOCKER.find().orElse(null);
    if (binary == null) {
      unavailable(
          "the docker command is not on the PATH: install the Debian package docker.io"
              + " (apt-get install docker.io; scripts/test.sh does)");
    }
    Docker docker = new Docker(binary);
    Result info = docker.run(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
    if (!info.succeeded()) {
      unavailable(
          "no Docker engine answers (docker info: "
              + info.tail(3).strip()
              + "): start dockerd from the Debian package docker.io"
              + " (scripts/docker-engine.sh start)");
    }
    return docker;
  }

  private static void unavailable(String message) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(message);
    }
    Assumptions.abort(message + " - skipped outside CI (with CI=true this fails)");
  }

  /** Runs {@code docker args...} in the repository root; output goes through a file. */
  Result run(Duration timeout, String... args) {
    return run(timeout, List.of(args));
  }

  Result run(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    ToolRunner.Result result = ToolRunner.run(command, RepoPaths.root(), timeout);
    return new Result(result.exitCode(), result.output());
  }
}
