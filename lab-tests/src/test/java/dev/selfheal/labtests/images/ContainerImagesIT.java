package dev.selfheal.labtests.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.labtests.images.ImageCase.Expect;
import dev.selfheal.labtests.images.ImageContainer.Answer;
import dev.selfheal.labtests.images.ManifestContainer.Probe;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.testsupport.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Builds each of the lab's four images with the command its docs print, starts it under its
 * manifest's limits (CPU, memory without swap, read-only root, emptyDirs as tmpfs, the image's
 * uid:gid, dropped capabilities, the literal env), checks that it answers the manifest's probes
 * within the startupProbe's budget, and stops it with SIGTERM expecting exit code 0. A Dockerfile
 * change that breaks a build, a start under the limits, or the graceful stop fails this test.
 *
 * <p>Images are built and run one at a time (the machine is small). What each start takes and the
 * memory in use once serving go to {@code target/container-images.txt}: a measurement, not an
 * assertion of speed. The kubelet's preStop hook is not run; SIGTERM follows at once.
 */
class ContainerImagesIT {

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
  private static final List<String> REPORT = new ArrayList<>();

  private static Docker docker;

  static Stream<ImageCase> images() {
    return ImageCase.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void buildsStartsUnderItsManifestAnswersItsProbesAndStopsCleanly(ImageCase image)
      throws IOException {
    // Checked in each test, not in @BeforeAll: a skip outside CI then shows as four skipped tests.
    docker = Docker.require();
    double buildSeconds = build(image);
    ManifestContainer spec =
        ManifestContainer.read(image.manifest(), image.deployment(), image.container());
    int port = FreePort.find();
    long started = System.nanoTime();
    try (Surroundings around = image.surroundings().get();
        ImageContainer container =
            ImageContainer.start(
                docker, image.tag(), spec, around.env(spec, port), image.secrets(), port)) {
      Expect serving = image.expected().get(0);
      // The kubelet gives the startupProbe this long before it restarts the container.
      awaitAnswer(container, spec, serving, spec.startupBudget());
      double servingSeconds = (System.nanoTime() - started) / 1e9;
      String memory = container.memoryUsage();
      for (Expect other : image.expected().subList(1, image.expected().size())) {
        // One probe budget each: how long the kubelet would wait before acting on it.
        awaitAnswer(container, spec, other, spec.probe(other.kind()).budget());
      }
      String stopped = container.stop();
      assertThat(stopped)
          .as("%s after SIGTERM (graceful drain exits 0):%n%s", image, container.logs())
          .isEqualTo("exit=0 oomKilled=false");
      record(image, spec, buildSeconds, serving, servingSeconds, memory);
    }
  }

  /**
   * The documented command, plus {@code --network host}: no registry is reachable from a build
   * container here, and Maven in the build stage reaches its repository only through the host's
   * network.
   */
  private static double build(ImageCase image) throws IOException {
    assertThat(Files.readString(RepoPaths.resolve(image.documentedIn())))
        .as("%s prints the build command", image.documentedIn())
        .contains(image.buildCommand());
    List<String> args = new ArrayList<>(List.of(image.buildCommand().split(" ")));
    assertThat(args.subList(0, 2)).containsExactly("docker", "build");
    args = new ArrayList<>(args.subList(1, args.size()));
    args.addAll(1, List.of("--network", "host"));
    long started = System.nanoTime();
    Docker.Result build = docker.run(BUILD_TIMEOUT, args);
    assertThat(build.succeeded())
        .as(
            "docker %s failed (exit %d):%n%s",
            String.join(" ", args), build.exitCode(), build.tail(60))
        .isTrue();
    return (System.nanoTime() - started) / 1e9;
  }

  private static void awaitAnswer(
      ImageContainer container, ManifestContainer spec, Expect expect, Duration within) {
    Probe probe = spec.probe(expect.kind());
    AtomicReference<Answer> last = new AtomicReference<>();
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                Answer answer = container.get(probe.path());
                last.set(answer);
                return answer.status() == expect.status()
                    && answer.body().contains(expect.bodyContains());
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          String.format(
              "%s %s did not answer %d with '%s' within %s; last answer %s; logs:%n%s",
              expect.kind().field,
              probe.path(),
              expect.status(),
              expect.bodyContains(),
              within,
              last.get(),
              container.logs()),
          e);
    }
  }

  private static void record(
      ImageCase image,
      ManifestContainer spec,
      double buildSeconds,
      Expect serving,
      double servingSeconds,
      String memory)
      throws IOException {
    REPORT.add(
        String.format(
            Locale.ROOT,
            "%-22s limits cpu=%s memory=%dMi  build %.1f s  start -> %s %s %d: %.1f s"
                + "  memory then: %s  stop: exit 0",
            image.tag(),
            spec.cpus(),
            spec.memoryBytes() >> 20,
            buildSeconds,
            serving.kind().field,
            spec.probe(serving.kind()).path(),
            serving.status(),
            servingSeconds,
            memory));
    Files.writeString(
        RepoPaths.target().resolve("container-images.txt"),
        "Images built and run under their manifests' limits (docker run --cpus/--memory), base images"
            + " from the local stand-ins\n"
            + String.join("\n", REPORT)
            + "\n");
  }
}
