package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's benchmark table only copies figures: every number in it must appear in the component
 * docs it cites, so a rerun that updates a doc and forgets the README fails here.
 */
class ReadmeBenchmarksTest {

  private static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*(?:\\.\\d+)?");
  private static final Pattern DOC_LINK = Pattern.compile("\\]\\((docs/[a-z-]+\\.md)[#)]");

  @Test
  void everyFigureIsInTheDocItComesFrom() {
    String readme = Repo.read("README.md");
    int start = readme.indexOf("## Benchmarks");
    int end = readme.indexOf("\n## ", start + 1);
    assertThat(start).as("README has a Benchmarks section").isPositive();
    String section = readme.substring(start, end < 0 ? readme.length() : end);

    StringBuilder sources = new StringBuilder();
    Matcher link = DOC_LINK.matcher(section);
    while (link.find()) {
      sources.append(Repo.read(link.group(1)));
    }
    List<String> figures = new ArrayList<>();
    for (String row : section.split("\n")) {
      if (!row.startsWith("| ") || row.startsWith("| what") || row.startsWith("| ---")) {
        continue;
      }
      // The figures are in the last two columns; the first two name the measurement and the script.
      String[] cells = row.split("\\|");
      Matcher number = NUMBER.matcher(cells[3] + " " + cells[4]);
      while (number.find()) {
        figures.add(number.group());
      }
    }

    assertThat(figures).hasSizeGreaterThan(10);
    assertThat(figures)
        .as("README benchmark figures missing from the component docs")
        .allMatch(figure -> sources.toString().contains(figure));
  }
}
