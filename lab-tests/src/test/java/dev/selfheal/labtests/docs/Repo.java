package dev.selfheal.labtests.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root from the test's working directory (the lab-tests module). */
final class Repo {

  private Repo() {}

  /** The repository root: the first directory upwards that holds both pom.xml and scripts/. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("scripts"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no repository root (pom.xml and scripts/) above " + Path.of("").toAbsolutePath());
  }

  /** A path relative to the repository root. */
  static Path path(String relative) {
    return root().resolve(relative);
  }

  /** The UTF-8 text of a file relative to the repository root. */
  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
