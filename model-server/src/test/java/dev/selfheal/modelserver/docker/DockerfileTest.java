package dev.selfheal.modelserver.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No Docker engine here, so the images are checked by reading their Dockerfiles: stages, base
 * images, non-root user, exec-form entrypoint, release variable, port, class-data sharing and the
 * Nagle fix, and that v2 differs from v1 only in the release.
 */
class DockerfileTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** One Dockerfile instruction: keyword and its (continuation-joined) arguments. */
  record Instruction(String keyword, String args) {}

  static List<Instruction> parse(Path file) throws IOException {
    List<Instruction> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String joined = current.toString().strip();
      current.setLength(0);
      String[] parts = joined.split("\\s+", 2);
      result.add(
          new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
    }
    return result;
  }

  private static List<String> all(List<Instruction> instructions, String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::args)
        .toList();
  }

  private static List<String> entrypoint(List<Instruction> instructions) throws IOException {
    List<String> entrypoints = all(instructions, "ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    // Exec form is a JSON array; shell form would not parse.
    return new ObjectMapper().readValue(entrypoints.get(0), new TypeReference<List<String>>() {});
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"Dockerfile, v1.0", "Dockerfile.v2, v2.0"})
  void imageFollowsTheRules(String name, String version) throws IOException {
    List<Instruction> file = parse(ROOT.resolve(name));

    List<String> from = all(file, "FROM");
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).isEqualToIgnoringCase("maven:3.9-eclipse-temurin-17 AS build");
    // Ubuntu-based JRE: has /bin/sh for kubectl exec (no distroless, no scratch).
    assertThat(from.get(1)).isEqualTo("eclipse-temurin:17-jre");

    List<String> copies = all(file, "COPY");
    assertThat(copies).contains("pom.xml ./");
    for (String module : modules()) {
      assertThat(copies)
          .as("build stage copies %s/pom.xml", module)
          .anyMatch(c -> c.startsWith(module + "/pom.xml "));
    }
    assertThat(all(file, "RUN"))
        .anyMatch(
            run ->
                run.startsWith("mvn ")
                    && run.contains("-pl model-server -am")
                    && run.contains("package"));

    List<String> users = all(file, "USER");
    assertThat(users).hasSize(1);
    Matcher user = Pattern.compile("(\\d+)(?::(\\d+))?").matcher(users.get(0));
    assertThat(user.matches()).as("USER is numeric: %s", users.get(0)).isTrue();
    assertThat(Integer.parseInt(user.group(1))).isPositive();

    assertThat(all(file, "ENV")).anyMatch(env -> env.contains("MODEL_VERSION=" + version));
    assertThat(all(file, "EXPOSE")).containsExactly("8080");

    List<String> command = entrypoint(file);
    assertThat(command.get(0)).isEqualTo("java");
    assertThat(command.subList(command.size() - 2, command.size()))
        .containsExactly("-jar", "/app/model-server.jar");
    assertThat(command)
        .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
        .noneMatch(flag -> flag.contains("sun.net.httpserver"))
        .anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
        .anyMatch(flag -> flag.startsWith("-Xss"));
    String archive =
        command.stream()
            .filter(flag -> flag.startsWith("-XX:SharedArchiveFile="))
            .findFirst()
            .orElseThrow()
            .substring("-XX:SharedArchiveFile=".length());
    // The archive is produced at build time, by a training run with the same flags.
    String training =
        all(file, "RUN").stream()
            .filter(run -> run.contains("-XX:ArchiveClassesAtExit=" + archive))
            .findFirst()
            .orElseThrow();
    assertThat(training).contains("--train-cds", "-jar /app/model-server.jar");
    for (String flag : command.subList(1, command.size() - 2)) {
      if (!flag.startsWith("-XX:SharedArchiveFile=")) {
        assertThat(training).as("training run uses %s", flag).contains(flag);
      }
    }
    // The training run happens after MODEL_VERSION is set, before switching to the app user.
    int env = indexOf(file, "ENV", "MODEL_VERSION");
    int train = indexOf(file, "RUN", "-XX:ArchiveClassesAtExit");
    assertThat(env).isLessThan(train);
  }

  @Test
  void v2DiffersFromV1OnlyInTheRelease() throws IOException {
    List<Instruction> v1 = parse(ROOT.resolve("Dockerfile"));
    List<Instruction> v2 = parse(ROOT.resolve("Dockerfile.v2"));
    assertThat(v2).hasSameSizeAs(v1);
    List<Instruction> differing = new ArrayList<>();
    for (int i = 0; i < v1.size(); i++) {
      if (!v1.get(i).equals(v2.get(i))) {
        differing.add(v2.get(i));
        assertThat(v1.get(i).args().replace("v1.0", "v2.0")).isEqualTo(v2.get(i).args());
      }
    }
    assertThat(differing)
        .extracting(Instruction::args)
        .singleElement()
        .asString()
        .contains("MODEL_VERSION=v2.0");
  }

  @Test
  void dockerignoreKeepsBuildOutputOut() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve(".dockerignore"));
    assertThat(lines).contains("**/target", ".git");
    assertThat(lines)
        .noneMatch(line -> line.contains("pom.xml") || line.startsWith("model-server"));
  }

  private static int indexOf(List<Instruction> file, String keyword, String containing) {
    for (int i = 0; i < file.size(); i++) {
      if (file.get(i).keyword().equals(keyword) && file.get(i).args().contains(containing)) {
        return i;
      }
    }
    throw new AssertionError("no " + keyword + " containing " + containing);
  }

  private static List<String> modules() throws IOException {
    Matcher matcher =
        Pattern.compile("<module>([^<]+)</module>")
            .matcher(Files.readString(ROOT.resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (matcher.find()) {
      modules.add(matcher.group(1).strip());
    }
    assertThat(modules).contains("model-server");
    return modules.stream().distinct().collect(Collectors.toList());
  }
}
