package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shell script of the lab parses ({@code bash -n}), passes shellcheck with no finding at all,
 * is executable and stops on the first error. Learners run these scripts; a typo must fail here,
 * not in the middle of an exercise.
 */
class ScriptsTest {

  static Stream<String> scripts() throws IOException {
    Path root = Repo.root();
    List<String> found = new ArrayList<>();
    for (String dir : List.of("scripts", "bench")) {
      Path base = root.resolve(dir);
      if (!Files.isDirectory(base)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(base)) {
        files
            .filter(Files::isRegularFile)
            .filter(p -> p.getFileName().toString().endsWith(".sh"))
            .map(p -> root.relativize(p).toString())
            .sorted()
            .forEach(found::add);
      }
    }
    if (Files.isRegularFile(root.resolve(".ci/run"))) {
      found.add(".ci/run");
    }
    return found.stream();
  }

  @Test
  void findsTheLabScripts() throws IOException {
    assertThat(scripts().toList())
        .contains("scripts/test.sh", "scripts/e2e-cluster.sh", "scripts/traffic.sh", ".ci/run");
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void parsesWithBashDashN(String script) {
    Shell.Result result = Shell.run(Repo.root(), Map.of(), List.of("bash", "-n", script));

    assertThat(result.exitCode()).as(result.all()).isZero();
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void isShellcheckClean(String script) {
    Path shellcheck = Shell.which("shellcheck", "shellcheck");

    Shell.Result result =
        Shell.run(
            Repo.root(),
            Map.of(),
            List.of(shellcheck.toString(), "--shell=bash", "--external-sources", script));

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stdout()).as("shellcheck findings").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("scripts")
  void isExecutableAndStopsOnErrors(String script) {
    Path path = Repo.path(script);
    String text = Repo.read(script);

    assertThat(Files.isExecutable(path)).as(script + " is executable").isTrue();
    assertThat(text).startsWith("#!/usr/bin/env bash\n").contains("set -euo pipefail");
  }
}
