package dev.selfheal.modelserver.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.faults.ProbeFiles;
import dev.selfheal.runtime.health.ProbeReport;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.testsupport.time.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbesTest {
  @TempDir Path dir;

  private final MutableClock clock = new MutableClock();
  private final Lifecycle lifecycle = new Lifecycle();
  private final Progress heartbeat =
      Progress.builder("progress")
          .stallAfter(Duration.ofSeconds(5))
          .stalledMeans("inference is stuck")
          .clock(clock)
          .build();

  private Probes probes() {
    return new Probes(
        lifecycle, heartbeat, new ProbeFiles(dir.resolve("unready"), dir.resolve("unhealthy")));
  }

  private static boolean check(ProbeReport report, String name) {
    return report.checks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow()
        .pass();
  }

  @Test
  void startingIsNeitherLiveNorReadySoAStartupProbeWaitsForTheModel() {
    Probes probes = probes();
    assertThat(probes.liveness().pass()).isFalse();
    assertThat(probes.liveness().checks().get(0).reason()).contains("starting");
    assertThat(probes.readiness().pass()).isFalse();
    assertThat(check(probes.readiness(), "model")).isFalse();

    lifecycle.advanceTo(Phase.READY);
    assertThat(probes.liveness().pass()).isTrue();
  }

  @Test
  void readyWhileProgressIsFreshThenBothFailWhenItStops() {
    Probes probes = probes();
    probes.selfCheckPassed("accuracy 0.95");
    lifecycle.advanceTo(Phase.READY);
    assertThat(probes.readiness().pass()).isTrue();
    assertThat(probes.liveness().pass()).isTrue();

    clock.advance(Duration.ofSeconds(5));
    assertThat(probes.liveness().pass()).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(probes.liveness().pass()).isFalse();
    assertThat(probes.readiness().pass()).isFalse();
    assertThat(probes.liveness().checks().get(0).reason()).contains("inference is stuck");

    heartbeat.beat();
    assertThat(probes.liveness().pass()).isTrue();
  }

  @Test
  void drainingFailsReadinessOnly() {
    Probes probes = probes();
    lifecycle.advanceTo(Phase.READY);
    assertThat(lifecycle.advanceTo(Phase.DRAINING)).isTrue();
    assertThat(lifecycle.advanceTo(Phase.READY)).isFalse();

    assertThat(probes.readiness().pass()).isFalse();
    assertThat(check(probes.readiness(), "accepting_traffic")).isFalse();
    assertThat(probes.liveness().pass()).isTrue();
  }

  @Test
  void probeFilesOverrideEachProbeSeparately() throws Exception {
    Probes probes = probes();
    lifecycle.advanceTo(Phase.READY);

    Files.createFile(dir.resolve("unready"));
    assertThat(probes.readiness().pass()).isFalse();
    assertThat(probes.liveness().pass()).isTrue();

    Files.delete(dir.resolve("unready"));
    Files.createFile(dir.resolve("unhealthy"));
    assertThat(probes.readiness().pass()).isTrue();
    assertThat(probes.liveness().pass()).isFalse();
    assertThat(check(probes.liveness(), "unhealthy_file")).isFalse();
  }
}
