package dev.selfheal.labtests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command-line tool (promtool, amtool) to completion and returns its combined
 * output.
 */
public final class ToolRunner {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private ToolRunner() {}

  /**
   * The outcome of one run.
   *
   * @param exitCode the tool's exit code
   * @param output stdout and stderr, interleaved
   */
  public record Result(int exitCode, String output) {

    /** Whether the tool exited with 0. */
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code binary} with {@code args} in {@code workDir}; the binary must exist (see {@link
   * Binaries}).
   */
  public static Result run(Binaries.Binary binary, Path workDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.require().toString());
    command.addAll(List.of(args));
    return run(command, workDir, TIMEOUT);
  }

  /**
   * Runs {@code command} in {@code workDir} to completion within {@code timeout}, its output
   * through a file, so a chatty or hanging command can neither block on a full pipe nor outlast the
   * timeout.
   */
  public static Result run(List<String> command, Path workDir, Duration timeout) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.redirectErrorStream(true);
    Path out = null;
    try {
      // Output goes to a file, so a hanging tool cannot block the reader and the timeout applies.
      out = Files.createTempFile("tool-", ".out");
      builder.redirectOutput(out.toFile());
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            command + " did not finish within " + timeout + ":\n" + Files.readString(out));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // A leftover temp file is harmless.
        }
      }
    }
  }
}
