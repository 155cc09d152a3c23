package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.labtests.support.Binaries;
import dev.selfheal.labtests.support.ToolRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real amtool (Debian package prometheus-alertmanager) accepts alertmanager.config and routes
 * as intended.
 */
class AlertmanagerConfigTest {

  @TempDir Path dir;
  private Path config;

  @BeforeEach
  void render() {
    config = dir.resolve("alertmanager.yml");
    ChartValues.write(config, ChartRender.alertmanagerYml(ChartValues.values()));
  }

  @Test
  void checkConfigAccepts() {
    ToolRunner.Result result =
        ToolRunner.run(Binaries.AMTOOL, dir, "check-config", config.toString());

    assertThat(result.succeeded()).as(result.output()).isTrue();
    assertThat(result.output()).contains("SUCCESS").contains("2 receivers");
  }

  @Test
  void modelHealthAlertsReachTheRollbackController() {
    for (String alert : new String[] {"ModelAccuracyLow", "ModelDegraded", "ModelErrorRateHigh"}) {
      assertThat(route("alertname=" + alert, "namespace=default", "deployment=model-server"))
          .as(alert)
          .isEqualTo("rollback-controller");
    }
  }

  @Test
  void operatorAlertsGoToTheDefaultReceiver() {
    for (String alert :
        new String[] {
          "ModelServerCrashLooping",
          "ModelServerRestarting",
          "ModelServerTargetDown",
          "ModelServerMetricsAbsent"
        }) {
      assertThat(route("alertname=" + alert, "namespace=default")).as(alert).isEqualTo("default");
    }
  }

  private String route(String... labels) {
    String[] args = new String[4 + labels.length];
    args[0] = "config";
    args[1] = "routes";
    args[2] = "test";
    args[3] = "--config.file=" + config;
    System.arraycopy(labels, 0, args, 4, labels.length);
    ToolRunner.Result result = ToolRunner.run(Binaries.AMTOOL, dir, args);
    assertThat(result.succeeded()).as(result.output()).isTrue();
    // amtool may print a warning first; the receiver list is the last line.
    String[] lines = result.output().trim().split("\n");
    return lines[lines.length - 1].trim();
  }
}
