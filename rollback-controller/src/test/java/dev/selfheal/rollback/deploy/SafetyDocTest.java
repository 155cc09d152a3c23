package dev.selfheal.rollback.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.decide.Reason;
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
 * The safety tables of docs/rollback-controller.md stay true: every decision reason has a row, and
 * every test class and test method they name exists (a method shortened with "…" must match the
 * start of one).
 */
class SafetyDocTest {

  private static final Pattern CODE = Pattern.compile("`([A-Za-z][A-Za-z0-9_.…]*)`");

  private static String section() throws IOException {
    String doc = Files.readString(RepoFiles.root().resolve("docs/rollback-controller.md"));
    int start = doc.indexOf("## Safety rules");
    int end = doc.indexOf("\n## ", start + 1);
    assertThat(start).as("section Safety rules").isNotNegative();
    return doc.substring(start, end);
  }

  private static String testSources() throws IOException {
    Path tests = RepoFiles.root().resolve("rollback-controller/src/test/java");
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(tests)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        all.append(Files.readString(f));
      }
    }
    return all.toString();
  }

  @Test
  void everyReasonHasARow() throws IOException {
    String section = section();
    for (Reason reason : Reason.values()) {
      if (reason == Reason.NOT_LEADER || reason == Reason.INVALID_ALERT) {
        continue; // not decision rules: described with leader election and bad input
      }
      assertThat(section).as(reason.label()).contains("`" + reason.label() + "`");
    }
  }

  @Test
  void everyNamedTestExists() throws IOException {
    String section = section();
    String sources = testSources();
    List<String> named = new ArrayList<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("|")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String proof = cells[cells.length - 1];
      Matcher m = CODE.matcher(proof);
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    assertThat(named).hasSizeGreaterThan(20);
    for (String name : named) {
      for (String part : name.split("\\.")) {
        String stem = part.replace("…", "");
        if (Character.isUpperCase(stem.charAt(0))) {
          assertThat(sources).as(name).contains("class " + stem + " ");
        } else {
          assertThat(sources).as(name).containsPattern("void " + Pattern.quote(stem) + "\\w*\\(");
        }
      }
    }
  }
}
