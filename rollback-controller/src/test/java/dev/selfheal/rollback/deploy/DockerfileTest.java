package dev.selfheal.rollback.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads rollback-controller/Dockerfile and checks what the manifest and the build rely on. */
class DockerfileTest {

  private static List<String> instructions;

  @BeforeAll
  static void load() throws IOException {
    instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line :
        Files.readAllLines(RepoFiles.root().resolve("rollback-controller/Dockerfile"))) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      if (t.endsWith("\\\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      instructions.add(current.toString());
      current.setLength(0);
    }
  }

  private static List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
  }

  @Test
  void isMultiStage() {
    assertThat(all("FROM")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(all("FROM").get(0)).contains(" AS build");
    assertThat(all("COPY")).anySatisfy(c -> assertThat(c).startsWith("COPY --from=build"));
  }

  @Test
  void copiesEveryModulePomOfTheReactor() throws IOException {
    String parent = Files.readString(RepoFiles.root().resolve("pom.xml"));
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1).strip());
    }
    assertThat(modules).contains("rollback-controller");
    assertThat(all("COPY")).anySatisfy(c -> assertThat(c).isEqualTo("COPY pom.xml ./"));
    for (String module : modules) {
      assertThat(all("COPY"))
          .as("COPY of " + module + "/pom.xml")
          .anySatisfy(c -> assertThat(c).contains(module + "/pom.xml " + module + "/"));
    }
  }

  @Test
  void runsAsNumericNonRootUser() {
    List<String> users = all("USER");
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).substring(5).split(":")[0];
    assertThat(Integer.parseInt(user)).isPositive();
  }

  @Test
  void entrypointIsExecFormRunningTheThinJarWithNodelay() throws IOException {
    List<String> entrypoints = all("ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    JsonNode args =
        new ObjectMapper().readTree(entrypoints.get(0).substring("ENTRYPOINT ".length()));
    assertThat(args.isArray()).as("exec form").isTrue();
    List<String> list = new ArrayList<>();
    args.forEach(a -> list.add(a.asText()));
    assertThat(list.get(0)).isEqualTo("java");
    assertThat(list)
        .contains("-jar", "/app/rollback-controller.jar")
        .noneMatch(flag -> flag.contains("sun.net.httpserver"));
    String pom = Files.readString(RepoFiles.root().resolve("rollback-controller/pom.xml"));
    assertThat(pom).contains("<finalName>rollback-controller</finalName>");
    assertThat(all("EXPOSE")).containsExactly("EXPOSE 8080");
  }
}
