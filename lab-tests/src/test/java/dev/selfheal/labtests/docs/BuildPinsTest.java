package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the build pins stays pinned: the Maven wrapper's version and checksum, the jars' fixed
 * timestamp, and base image tags that the offline stand-ins provide (a {@code FROM} naming another
 * tag fails only when the image is built, minutes into {@code scripts/test.sh}).
 */
class BuildPinsTest {

  private static final Pattern FROM =
      Pattern.compile("(?im)^FROM\\s+(\\S+)(?:\\s+AS\\s+\\S+)?\\s*$");
  private static final Pattern BASE_IMAGES =
      Pattern.compile("(?m)^readonly BASE_IMAGES=\\(([^)]*)\\)");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Dockerfile",
        "Dockerfile.v2",
        "recommender/Dockerfile",
        "rollback-controller/Dockerfile"
      })
  void everyBaseImageIsOneTheStandInsProvide(String dockerfile) {
    Matcher list = BASE_IMAGES.matcher(Repo.read("scripts/docker-engine.sh"));
    assertThat(list.find()).as("BASE_IMAGES in scripts/docker-engine.sh").isTrue();
    List<String> provided = Arrays.asList(list.group(1).trim().split("\\s+"));

    List<String> from = new ArrayList<>();
    Matcher line = FROM.matcher(Repo.read(dockerfile));
    while (line.find()) {
      from.add(line.group(1));
    }

    assertThat(from).as(dockerfile + " FROM lines").isNotEmpty();
    assertThat(provided)
        .as(dockerfile + ": base images docker-engine.sh provides")
        .containsAll(from);
  }

  @Test
  void theWrapperPinsAMavenVersionTheEnforcerAcceptsAndItsChecksum() throws IOException {
    Properties wrapper = new Properties();
    wrapper.load(new StringReader(Repo.read(".mvn/wrapper/maven-wrapper.properties")));
    Matcher url =
        Pattern.compile(
                "https://repo\\.maven\\.apache\\.org/maven2/org/apache/maven/apache-maven/"
                    + "(\\d+)\\.(\\d+)\\.(\\d+)/apache-maven-\\1\\.\\2\\.\\3-bin\\.zip")
            .matcher(wrapper.getProperty("distributionUrl", ""));

    assertThat(url.matches()).as("distributionUrl names one Maven release").isTrue();
    assertThat(wrapper.getProperty("distributionSha256Sum", "")).matches("[0-9a-f]{64}");
    // The enforcer requires [3.8,); the wrapper must not pin an older Maven than it allows.
    assertThat(Repo.read("pom.xml")).contains("<version>[3.8,)</version>");
    int major = Integer.parseInt(url.group(1));
    int minor = Integer.parseInt(url.group(2));
    assertThat(major > 3 || major == 3 && minor >= 8).as(url.group()).isTrue();
    assertThat(Repo.path("mvnw")).isExecutable();
  }

  @Test
  void theTestScriptAndTheReadmeBuildWithTheWrapper() {
    assertThat(Repo.read("scripts/test.sh")).contains("\n./mvnw -B -ntp verify \"$@\"\n");
    assertThat(Repo.read("README.md")).contains("./mvnw -B -ntp spotless:apply");
  }

  @Test
  void jarsGetAFixedTimestamp() {
    Matcher timestamp =
        Pattern.compile("<project\\.build\\.outputTimestamp>([^<]*)<")
            .matcher(Repo.read("pom.xml"));

    assertThat(timestamp.find()).as("project.build.outputTimestamp in pom.xml").isTrue();
    // A fixed instant, not a property that changes on each build.
    assertThat(timestamp.group(1)).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  }
}
