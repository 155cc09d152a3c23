package dev.selfheal.labtests.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.support.HttpJson;
import dev.selfheal.labtests.support.ModelServerProcess;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The startupProbe's budget against the real server's start, measured here.
 *
 * <p>This machine has no CPU limit, so wall time says little about a pod limited to 200m. What
 * transfers is the CPU time the JVM burns until {@code /ready} first answers 200 (class loading,
 * JIT, model load and the first self-evaluation on the golden set): under a CFS quota of 0.2 CPU,
 * that work cannot finish in less than CPU time / 0.2 of wall time. The estimate is a lower bound,
 * not a guarantee: it ignores throttling granularity, I/O waits, a slower node CPU and other pods
 * on the node, which is why the budget must exceed it by a safety factor of two. The JVM is started
 * with the ergonomics it gets in that container (one CPU, 256 MiB) so it picks the same GC and heap
 * size. The worst of three starts counts. Figures are written to target/startup-measurement.txt.
 */
class StartupBudgetIT {

  private static final double CPU_LIMIT_CORES = 0.2;
  private static final double SAFETY_FACTOR = 2.0;
  private static final int RUNS = 3;
  private static final Pattern ENTRYPOINT = Pattern.compile("(?m)^ENTRYPOINT\\s+(\\[.*\\])\\s*$");

  /**
   * The JVM options of the image's ENTRYPOINT, without the CDS archive that exists only in the
   * image.
   */
  static List<String> imageJvmFlags() throws IOException {
    Matcher m = ENTRYPOINT.matcher(Manifests.text("Dockerfile"));
    assertThat(m.find()).as("exec-form ENTRYPOINT in Dockerfile").isTrue();
    List<String> flags = new ArrayList<>();
    for (JsonNode arg : HttpJson.mapper().readTree(m.group(1))) {
      String a = arg.asText();
      if (a.equals("-jar")) {
        break;
      }
      if (a.startsWith("-X")
          && !a.startsWith("-XX:SharedArchiveFile")
          && !a.startsWith("-Xlog:cds")) {
        flags.add(a);
      }
    }
    return flags;
  }

  @Test
  void startupBudgetCoversTheWorstMeasuredStartUnderTheCpuLimit() throws IOException {
    List<Duration> cpuTimes = new ArrayList<>();
    List<Duration> wallTimes = new ArrayList<>();
    for (String version : new String[] {"v1.0", "v2.0", "v1.0"}) {
      ModelServerProcess.Builder builder =
          ModelServerProcess.builder()
              .env("MODEL_VERSION", version)
              .jvmArg("-XX:ActiveProcessorCount=1")
              .jvmArg("-XX:MaxRAM=256m");
      imageJvmFlags().forEach(builder::jvmArg);
      try (ModelServerProcess server = builder.start()) {
        cpuTimes.add(server.cpuTime());
        wallTimes.add(server.startToReady());
      }
    }
    assertThat(cpuTimes).hasSize(RUNS);
    Duration worstCpu = Collections.max(cpuTimes);
    Duration estimatedStartUnderLimit =
        Duration.ofMillis((long) (worstCpu.toMillis() / CPU_LIMIT_CORES));
    Duration required =
        Duration.ofMillis((long) (estimatedStartUnderLimit.toMillis() * SAFETY_FACTOR));

    String report =
        "CPU time to ready per start: "
            + cpuTimes
            + "\nwall time to ready per start (no CPU limit): "
            + wallTimes
            + "\nestimated start under a 200m limit (worst CPU / 0.2): "
            + estimatedStartUnderLimit
            + "\nJVM flags from the image: "
            + imageJvmFlags()
            + "\nrequired start-up budget (x"
            + SAFETY_FACTOR
            + "): "
            + required
            + "\n";
    Files.writeString(RepoPaths.target().resolve("startup-measurement.txt"), report);

    for (String file : new String[] {Manifests.DEPLOYMENT_V1, Manifests.DEPLOYMENT_V2}) {
      assertThat(ProbeTiming.of(Manifests.deployment(file)).startupBudget())
          .as("%s startup budget vs measured start%n%s", file, report)
          .isGreaterThanOrEqualTo(required);
    }
  }
}
