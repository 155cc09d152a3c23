package dev.selfheal.labtests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Paths inside the repository, independent of the directory the tests run from. */
public final class RepoPaths {

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  private RepoPaths() {}

  /**
   * The repository root: the nearest directory upwards that holds both {@code pom.xml} and {@code
   * k8s/}.
   */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("k8s"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root (pom.xml and k8s/) not found above " + dir);
  }

  /** A path relative to the repository root, e.g. {@code resolve("k8s/deployment.yaml")}. */
  public static Path resolve(String relative) {
    return root().resolve(relative);
  }

  /** {@code target/} of the module the tests run in; created if missing. */
  public static Path target() {
    return Path.of("target").toAbsolutePath();
  }

  /** The modules the root {@code pom.xml} lists, in its order. */
  public static List<String> modules() throws IOException {
    Matcher m = MODULE.matcher(Files.readString(resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1).trim());
    }
    return modules;
  }
}
