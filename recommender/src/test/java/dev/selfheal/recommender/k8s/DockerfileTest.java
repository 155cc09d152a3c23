package dev.selfheal.recommender.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image definition agrees with the reactor, the manifest and the process rules. */
class DockerfileTest {

  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Path PARENT_POM = Path.of("..", "pom.xml");
  private static final Path MANIFEST = Path.of("..", "k8s", "recommender.yaml");

  @Test
  void copiesEveryModulePomSoTheReactorResolves() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);
    Matcher modules =
        Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(PARENT_POM));
    List<String> names = new ArrayList<>();
    while (modules.find()) {
      names.add(modules.group(1).trim());
    }
    assertThat(names).contains("recommender");
    for (String module : names) {
      assertThat(dockerfile).contains("COPY " + module + "/pom.xml " + module + "/");
    }
  }

  @Test
  void runsAsNonRootWithAnExecFormEntrypoint() throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    String entrypoint =
        lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    assertThat(entrypoint).startsWith("ENTRYPOINT [\"java\"").doesNotContain("sun.net.httpserver");
    assertThat(lines).anyMatch(l -> l.matches("USER 10001(:10001)?"));
    assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).count()).isEqualTo(2);
  }

  @Test
  void mainClassesNamedInTheManifestExist() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<String> classes = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(Files.readString(MANIFEST))) {
      for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
        for (JsonNode arg : doc.findValues("command")) {
          arg.forEach(
              a -> {
                if (a.asText().startsWith("dev.selfheal.")) {
                  classes.add(a.asText());
                }
              });
        }
      }
    }
    assertThat(classes).hasSize(2);
    for (String name : classes) {
      assertThat(Class.forName(name).getMethod("main", String[].class)).isNotNull();
    }
  }
}
