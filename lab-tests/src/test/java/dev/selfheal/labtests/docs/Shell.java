package dev.selfheal.labtests.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a bounded wait and captures its output. */
final class Shell {

  private static final long TIMEOUT_SECONDS = 60;

  private Shell() {}

  /** Exit status and output of a finished command. */
  record Result(int exitCode, String stdout, String stderr) {

    /** Both streams, for assertion messages. */
    String all() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /**
   * Runs {@code command} in {@code dir}, with {@code env} added to (or replacing) the inherited
   * environment.
   */
  static Result run(Path dir, Map<String, String> env, List<String> command) {
    try {
      Path out = Files.createTempFile("shell-out", ".txt");
      Path err = Files.createTempFile("shell-err", ".txt");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(
              command
                  + " did not finish within "
                  + TIMEOUT_SECONDS
                  + " s: "
                  + Files.readString(out));
        }
        return new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command, e);
    }
  }

  /**
   * The absolute path of {@code name} on this JVM's PATH, or fails the test naming the Debian
   * package.
   */
  static Path which(String name, String debianPackage) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        name
            + " is not on the PATH: install the Debian package "
            + debianPackage
            + " (scripts/test.sh does)");
  }
}
