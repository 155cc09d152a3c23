package dev.selfheal.rollback.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files of the repository from the module's test working directory. */
final class RepoFiles {

  private RepoFiles() {}

  /** The repository root: the nearest ancestor holding both pom.xml and k8s/. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("k8s")) && Files.exists(dir.resolve("pom.xml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("repository root (with k8s/ and pom.xml) not found");
  }
}
