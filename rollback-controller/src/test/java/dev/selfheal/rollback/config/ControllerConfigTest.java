package dev.selfheal.rollback.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControllerConfigTest {

  private static Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put("WEBHOOK_TOKEN", "0123456789abcdef0123");
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsAreSafe() {
    ControllerConfig c = ControllerConfig.fromEnv(env("HOSTNAME", "pod-1"));
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.namespaces()).containsExactly("default");
    assertThat(c.alertNames())
        .containsExactlyInAnyOrder("ModelAccuracyLow", "ModelDegraded", "ModelErrorRateHigh");
    assertThat(c.dryRun()).isFalse();
    assertThat(c.cooldown()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.maxRollbacksPerHour()).isEqualTo(3);
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.identity()).isEqualTo("pod-1");
    assertThat(c.leaseNamespace()).isEqualTo("default");
  }

  @Test
  void listsAreTrimmedAndPodNamespaceIsTheLeaseDefault() {
    ControllerConfig c =
        ControllerConfig.fromEnv(
            env(
                "ALLOWED_NAMESPACES", " default , ml-prod ,",
                "ALERT_NAMES", "A,B",
                "POD_NAMESPACE", "ops",
                "POD_NAME", "rc-0",
                "DRY_RUN", "TRUE"));
    assertThat(c.namespaces()).containsExactlyInAnyOrder("default", "ml-prod");
    assertThat(c.alertNames()).containsExactlyInAnyOrder("A", "B");
    assertThat(c.leaseNamespace()).isEqualTo("ops");
    assertThat(c.identity()).isEqualTo("rc-0");
    assertThat(c.dryRun()).isTrue();
  }

  /**
   * Values the controller once refused while the other services accepted them: it now reads the
   * environment with the runtime's EnvReader, so one set of rules holds everywhere.
   */
  @Test
  void edgeValuesParseAsInTheOtherServices() {
    ControllerConfig c =
        ControllerConfig.fromEnv(
            env(
                "DRY_RUN", "1",
                "WATCH_ENABLED", "no",
                "LEADER_ELECTION", "0",
                "COOLDOWN_SECONDS", "1.5",
                "LEASE_NAME", "  ",
                "LEASE_NAMESPACE", "",
                "POD_NAMESPACE", "ops",
                "POD_NAME", " ",
                "HOSTNAME", "pod-2"));
    assertThat(c.dryRun()).isTrue();
    assertThat(c.watchEnabled()).isFalse();
    assertThat(c.leaderElection()).isFalse();
    assertThat(c.cooldown()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.leaseName()).isEqualTo("rollback-controller");
    assertThat(c.leaseNamespace()).isEqualTo("ops");
    assertThat(c.identity()).isEqualTo("pod-2");
  }

  @Test
  void documentedDefaultsHold() {
    ControllerConfig c = ControllerConfig.fromEnv(env());
    assertThat(c.maxRollbacksPerDeploymentPerHour()).isEqualTo(2);
    assertThat(c.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(c.maxAlertsPerRequest()).isEqualTo(200);
    assertThat(c.watchEnabled()).isTrue();
    assertThat(c.crashLoopRestarts()).isEqualTo(3);
    assertThat(c.unreadyAfter()).isEqualTo(Duration.ofSeconds(180));
    assertThat(c.rolloutWindow()).isEqualTo(Duration.ofSeconds(900));
    assertThat(c.resync()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.leaseName()).isEqualTo("rollback-controller");
    assertThat(c.identity()).isEqualTo("rollback-controller");
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.workerStall()).isEqualTo(Duration.ofSeconds(300));
  }

  @ParameterizedTest(name = "WORKER_STALL_SECONDS=''{0}'' is {1} ms")
  @CsvSource({"'', 300000", "'  ', 300000", "1, 1000", "1.5, 1500", "60, 60000"})
  void workerStallIsSecondsWithFractionsAndAtLeastOne(String value, long millis) {
    ControllerConfig c = ControllerConfig.fromEnv(env("WORKER_STALL_SECONDS", value));
    assertThat(c.workerStall()).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "{0}={1} fails naming {0}")
  @CsvSource({
    "WEBHOOK_TOKEN, short",
    "WEBHOOK_TOKEN, '   '",
    "PORT, eighty",
    "PORT, 70000",
    "DRY_RUN, maybe",
    "WATCH_ENABLED, on",
    "COOLDOWN_SECONDS, soon",
    "LEASE_DURATION_SECONDS, 1e12",
    "COOLDOWN_SECONDS, -1",
    "MAX_ROLLBACKS_PER_HOUR, 0",
    "MAX_BODY_BYTES, 10",
    "ALLOWED_NAMESPACES, Bad_Namespace",
    "ALERT_NAMES, 'not an alert'",
    "CRASHLOOP_RESTARTS, 0",
    "UNREADY_SECONDS, 0",
    "ROLLOUT_WINDOW_SECONDS, 0",
    "RESYNC_SECONDS, 0",
    "LEASE_NAMESPACE, NOPE",
    "RENEW_DEADLINE_SECONDS, 30",
    "RETRY_PERIOD_SECONDS, 9",
    "MAX_ALERTS_PER_REQUEST, 0",
    "WEBHOOK_TOKEN, lab-rollback-token-change-me",
    "WEBHOOK_TOKEN, '  lab-rollback-token-change-me\n'",
    "WEBHOOK_TOKEN_FILE, /nonexistent/token",
    "WORKER_STALL_SECONDS, 0",
    "WORKER_STALL_SECONDS, 0.5",
    "WORKER_STALL_SECONDS, -1",
    "WORKER_STALL_SECONDS, abc",
  })
  void invalidSettingFailsFastNamingTheVariable(String name, String value) {
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ControllerConfig.fromEnv(env(name, value)))
        .withMessageContaining(name);
  }

  @Test
  void missingTokenIsNamed() {
    Map<String, String> env = env();
    env.remove("WEBHOOK_TOKEN");
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ControllerConfig.fromEnv(env))
        .withMessageStartingWith("WEBHOOK_TOKEN_FILE (or WEBHOOK_TOKEN) is required");
  }

  @Test
  void tokenFileIsReadAndTrimmedLikeKubectlCreateSecretFromFileWritesIt(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "s3cret-token-0123456789\n");
    ControllerConfig c =
        ControllerConfig.fromEnv(env("WEBHOOK_TOKEN_FILE", file.toString(), "WEBHOOK_TOKEN", ""));
    assertThat(c.webhookToken()).isEqualTo("s3cret-token-0123456789");
    // The file wins over the variable.
    ControllerConfig both = ControllerConfig.fromEnv(env("WEBHOOK_TOKEN_FILE", file.toString()));
    assertThat(both.webhookToken()).isEqualTo("s3cret-token-0123456789");
  }

  @Test
  void placeholderTokenInAFileIsRefusedNamingTheSetting(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, ControllerConfig.PLACEHOLDER_TOKEN + "\n");
    assertThatExceptionOfType(IllegalArgumentException.class)
        .isThrownBy(() -> ControllerConfig.fromEnv(env("WEBHOOK_TOKEN_FILE", file.toString())))
        .withMessageContaining("WEBHOOK_TOKEN_FILE")
        .withMessageContaining("placeholder");
  }
}
