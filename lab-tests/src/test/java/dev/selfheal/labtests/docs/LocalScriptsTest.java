package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code scripts/run.sh} and {@code scripts/traffic.sh} tell a first-time user, and which URL
 * they use, without Maven or a JVM: the scripts run from a copy of the repository layout with
 * stand-in {@code mvn} and {@code java} commands that record their calls.
 */
class LocalScriptsTest {

  private static final List<String> CORE_UTILITIES = List.of("dirname", "rm", "find");

  @TempDir Path temp;

  private ScriptSandbox sandbox;

  @BeforeEach
  void copyTheScriptsWithStandInsForMavenAndJava() throws IOException {
    sandbox = ScriptSandbox.in(temp, "/bin/bash");
    sandbox.copy("scripts/run.sh");
    sandbox.copy("scripts/traffic.sh");
    sandbox.wrap(CORE_UTILITIES, "coreutils");
    // mvn "builds" the jars; java records its arguments, and a CDS training run writes the archive.
    sandbox.shim(
        "mvn",
        """
        mkdir -p model-server/target traffic-generator/target
        : > model-server/target/model-server.jar
        : > traffic-generator/target/traffic-generator.jar\
        """);
    sandbox.shim(
        "java",
        """
        for arg in "$@"; do
          case "$arg" in
            -XX:ArchiveClassesAtExit=*) : > "${arg#-XX:ArchiveClassesAtExit=}" ;;
          esac
        done\
        """);
  }

  private Shell.Result script(String script, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Shell.which("bash", "bash").toString());
    command.add(sandbox.repo().resolve(script).toString());
    command.addAll(List.of(args));
    Map<String, String> environment = new HashMap<>(env);
    environment.put("PATH", sandbox.bin() + ":" + Shell.which("mkdir", "coreutils").getParent());
    return Shell.run(temp, environment, command);
  }

  private List<String> recordedCalls() throws IOException {
    return sandbox.recordedCalls();
  }

  @Test
  void aFirstRunSaysItBuildsMakesTheArchiveAndWhereItServes() throws IOException {
    Shell.Result result = script("scripts/run.sh", Map.of());

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stderr())
        .containsSubsequence(
            "run.sh: building the model server with Maven (SKIP_BUILD=1 skips this)...",
            "run.sh: built in ",
            "run.sh: creating the class-data sharing archive",
            "run.sh: archive ready in ",
            "run.sh: starting v1.0 on http://localhost:8080 (Ctrl-C stops it)");
    assertThat(recordedCalls())
        .first()
        .asString()
        .startsWith("mvn -B -q -ntp -pl model-server -am package");
    assertThat(recordedCalls())
        .last()
        .asString()
        .contains("-XX:SharedArchiveFile=model-server/target/model-server.jsa")
        .endsWith("-jar model-server/target/model-server.jar");
  }

  @Test
  void aLaterRunWithSkipBuildOnlyStartsAndNamesThePortAndVersion() throws IOException {
    assertThat(script("scripts/run.sh", Map.of()).exitCode()).isZero();
    Files.writeString(sandbox.calls(), "");

    Shell.Result result =
        script(
            "scripts/run.sh", Map.of("SKIP_BUILD", "1", "PORT", "9090", "MODEL_VERSION", "v2.0"));

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(result.stderr())
        .contains("run.sh: starting v2.0 on http://localhost:9090")
        .doesNotContain("building")
        .doesNotContain("archive");
    assertThat(recordedCalls()).hasSize(1).noneMatch(call -> call.startsWith("mvn"));
  }

  /** The generator's jar exists and is newer than every source it is built from. */
  private void builtTrafficGenerator() throws IOException {
    Instant old = Instant.now().minusSeconds(3600);
    for (String dir : List.of("traffic-generator/src", "model-server/src")) {
      Files.createDirectories(sandbox.repo().resolve(dir));
      Files.setLastModifiedTime(sandbox.repo().resolve(dir), FileTime.from(old));
    }
    Files.writeString(sandbox.repo().resolve("traffic-generator/pom.xml"), "<project/>\n");
    Files.setLastModifiedTime(
        sandbox.repo().resolve("traffic-generator/pom.xml"), FileTime.from(old));
    Files.createDirectories(sandbox.repo().resolve("traffic-generator/target"));
    Files.writeString(sandbox.repo().resolve("traffic-generator/target/traffic-generator.jar"), "");
  }

  @Test
  void trafficFollowsPortWhenNoUrlIsGiven() throws IOException {
    builtTrafficGenerator();

    Shell.Result result = script("scripts/traffic.sh", Map.of("PORT", "9090"), "--duration", "5");

    assertThat(result.exitCode()).as(result.all()).isZero();
    assertThat(recordedCalls())
        .containsExactly(
            "java -jar traffic-generator/target/traffic-generator.jar --url http://localhost:9090"
                + " --duration 5");
  }

  @Test
  void anExplicitUrlWinsOverPortAndWithoutPortTheGeneratorsDefaultApplies() throws IOException {
    builtTrafficGenerator();

    assertThat(
            script("scripts/traffic.sh", Map.of("PORT", "9090"), "--url", "http://svc:80")
                .exitCode())
        .isZero();
    assertThat(
            script("scripts/traffic.sh", Map.of("PORT", "9090"), "--url=http://svc:81").exitCode())
        .isZero();
    assertThat(script("scripts/traffic.sh", Map.of(), "--rate", "10").exitCode()).isZero();

    assertThat(recordedCalls())
        .containsExactly(
            "java -jar traffic-generator/target/traffic-generator.jar --url http://svc:80",
            "java -jar traffic-generator/target/traffic-generator.jar --url=http://svc:81",
            "java -jar traffic-generator/target/traffic-generator.jar --rate 10");
  }
}
