package dev.selfheal.modelserver.faults;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Manual probe overrides for the lab's bonus exercise: {@code touch /tmp/unready} fails readiness,
 * {@code touch /tmp/unhealthy} fails liveness, removing the file restores the probe.
 */
public final class ProbeFiles {
  private final Path unreadyFile;
  private final Path unhealthyFile;

  /** Watches the two given paths. */
  public ProbeFiles(Path unreadyFile, Path unhealthyFile) {
    this.unreadyFile = unreadyFile;
    this.unhealthyFile = unhealthyFile;
  }

  /** True while the unready file exists. */
  public boolean unready() {
    return Files.exists(unreadyFile);
  }

  /** True while the unhealthy file exists. */
  public boolean unhealthy() {
    return Files.exists(unhealthyFile);
  }

  /** The readiness override path. */
  public Path unreadyFile() {
    return unreadyFile;
  }

  /** The liveness override path. */
  public Path unhealthyFile() {
    return unhealthyFile;
  }
}
