package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two kinds of staleness a reader notices at once: a chart installed without a version (the values
 * file is tested against one chart; Helm would take the newest), and the model server described as
 * the JDK HttpServer it ran on before the shared Vert.x layer.
 */
class DocsHygieneTest {

  /** A helm install or upgrade of a release from a chart (not a mention of the verb in prose). */
  private static final Pattern HELM_INSTALL =
      Pattern.compile("helm (?:install|upgrade(?: --install)?) [^\\s`]+ [^\\s`]+");

  private static final Pattern OLD_SERVER = Pattern.compile("HttpServer|sun\\.net\\.httpserver");

  /** Where the old server may be named: the comparisons of HTTP servers and their history. */
  private static final Pattern COMPARISON_HEADING =
      Pattern.compile("(?i)^#+ .*(benchmark|choosing the http server)");

  /** One helm install or upgrade command, continuation lines joined, and where it is. */
  record HelmCommand(String where, String command) {}

  @Test
  void everyHelmInstallPinsTheChartVersion() throws IOException {
    List<HelmCommand> installs = helmInstalls();

    assertThat(installs).as("helm installs found").hasSizeGreaterThanOrEqualTo(6);
    assertThat(installs)
        .as("helm install without --version")
        .filteredOn(c -> !c.command().contains("--version "))
        .isEmpty();
  }

  @Test
  void thePrometheusChartIsPinnedToOneVersionEverywhere() throws IOException {
    Pattern pinned = Pattern.compile("--version \"?([^\\s\"]+)");
    List<String> versions = new ArrayList<>();
    for (HelmCommand install : helmInstalls()) {
      if (install.command().contains("prometheus-community/prometheus")) {
        Matcher m = pinned.matcher(install.command());
        assertThat(m.find()).as(install.where()).isTrue();
        versions.add(m.group(1));
      }
    }
    assertThat(Repo.read("scripts/e2e-cluster.sh")).contains("chart_version=\"29.27.0\"");
    assertThat(versions)
        .hasSizeGreaterThanOrEqualTo(4)
        .allMatch(v -> v.equals("29.27.0") || v.equals("$chart_version"));
  }

  private static List<HelmCommand> helmInstalls() throws IOException {
    List<HelmCommand> installs = new ArrayList<>();
    for (Path file : filesToCheck()) {
      String[] lines = Files.readString(file).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        Matcher install = HELM_INSTALL.matcher(lines[i]);
        if (!install.find()) {
          continue;
        }
        // The command with its continuation lines (in YAML comments too).
        StringBuilder command = new StringBuilder(lines[i].substring(install.start()));
        int j = i;
        while (command.toString().stripTrailing().endsWith("\\") && j + 1 < lines.length) {
          j++;
          command.append(' ').append(lines[j].replaceFirst("^\\s*#?\\s*", ""));
        }
        installs.add(
            new HelmCommand(
                Repo.root().relativize(file) + ":" + (i + 1), command.toString().strip()));
      }
    }
    return installs;
  }

  @Test
  void noDocDescribesTheServersAsTheOldJdkHttpServer() throws IOException {
    List<String> problems = new ArrayList<>();
    List<Path> docs = new ArrayList<>(List.of(Repo.path("README.md")));
    try (Stream<Path> files = Files.list(Repo.path("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    for (Path doc : docs) {
      boolean inComparison = false;
      boolean inFence = false;
      String[] lines = Files.readString(doc).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].strip().startsWith("```")) {
          inFence = !inFence;
        }
        if (!inFence && lines[i].startsWith("#")) {
          inComparison = COMPARISON_HEADING.matcher(lines[i]).find();
        }
        // Outside a comparison only as history: "the services used before".
        if (OLD_SERVER.matcher(lines[i]).find() && !inComparison && !lines[i].contains("before")) {
          problems.add(Repo.root().relativize(doc) + ":" + (i + 1) + ": " + lines[i].strip());
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  private static List<Path> filesToCheck() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of(".", "docs", "scripts", "k8s", ".github/workflows")) {
      try (Stream<Path> list = Files.list(Repo.path(dir))) {
        list.filter(p -> p.toString().matches(".*\\.(md|sh|yaml|yml)$"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }
}
