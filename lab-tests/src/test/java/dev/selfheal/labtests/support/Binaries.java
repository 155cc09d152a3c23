package dev.selfheal.labtests.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Locates the external binaries the tests run. A missing binary is a test failure that names the
 * Debian package to install ({@code scripts/test.sh} installs them), never a skip: a skipped system
 * test would look like a pass.
 */
public final class Binaries {

  /** Prometheus server, from the Debian package {@code prometheus}. */
  public static final Binary PROMETHEUS =
      new Binary("prometheus", List.of("prometheus"), "prometheus");

  /** promtool, from the Debian package {@code prometheus}. */
  public static final Binary PROMTOOL = new Binary("promtool", List.of("promtool"), "prometheus");

  /** Alertmanager; Debian names the binary {@code prometheus-alertmanager}. */
  public static final Binary ALERTMANAGER =
      new Binary(
          "Alertmanager",
          List.of("prometheus-alertmanager", "alertmanager"),
          "prometheus-alertmanager");

  /** amtool, from the Debian package {@code prometheus-alertmanager}. */
  public static final Binary AMTOOL =
      new Binary("amtool", List.of("amtool"), "prometheus-alertmanager");

  private Binaries() {}

  /**
   * An executable known by one of several names.
   *
   * @param description what it is, for messages
   * @param names file names to look for on the PATH and in /usr/bin, in order
   * @param debianPackage the Debian package that installs it
   */
  public record Binary(String description, List<String> names, String debianPackage) {

    /**
     * The absolute path of the executable; throws {@link AssertionError} naming the package if
     * missing.
     */
    public Path require() {
      return find()
          .orElseThrow(
              () ->
                  new AssertionError(
                      description
                          + " not found (looked for "
                          + String.join(", ", names)
                          + " on the PATH and in /usr/bin): install the Debian package '"
                          + debianPackage
                          + "' (apt-get install "
                          + debianPackage
                          + ", or run scripts/test.sh, which installs it)"));
    }

    /** The executable if present. */
    public Optional<Path> find() {
      String pathEnv = System.getenv().getOrDefault("PATH", "");
      for (String name : names) {
        for (String dir : (pathEnv + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
          if (dir.isEmpty()) {
            continue;
          }
          Path candidate = Path.of(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate.toAbsolutePath());
          }
        }
      }
      return Optional.empty();
    }
  }
}
