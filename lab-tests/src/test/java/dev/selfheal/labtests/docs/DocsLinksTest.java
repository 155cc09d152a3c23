package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every link from the lab guide to a file of the repository points at a file that exists. */
class DocsLinksTest {

  private static final Pattern LOCAL_LINK =
      Pattern.compile("\\]\\(([^)\\s\"#]+)(#[^)\\s\"]*)?(?:\\s+\"[^\"]*\")?\\)");

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "EXERCISES.md", "SOLUTIONS.md"})
  void everyLocalLinkPointsAtAFile(String doc) {
    List<String> targets = new ArrayList<>();
    Matcher link = LOCAL_LINK.matcher(Repo.read(doc));
    while (link.find()) {
      if (!link.group(1).contains("://")) {
        targets.add(link.group(1));
      }
    }
    // Reference-style links point at files through their definitions.
    Matcher definition = SourceLinks.DEFINITION.matcher(Repo.read(doc));
    while (definition.find()) {
      String target = definition.group(2).replaceFirst("#.*", "");
      if (!target.contains("://")) {
        targets.add(target);
      }
    }

    assertThat(targets).isNotEmpty();
    assertThat(targets)
        .as("links in " + doc + " to missing files")
        .allMatch(target -> Files.exists(Repo.path(target)));
  }
}
