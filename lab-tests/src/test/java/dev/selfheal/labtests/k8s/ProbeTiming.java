package dev.selfheal.labtests.k8s;

import dev.selfheal.modelserver.config.ServerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time budgets implied by a Deployment's probes and termination settings, with the kubelet's
 * semantics: a probe runs every {@code periodSeconds}, and {@code failureThreshold} consecutive
 * failures trigger its action.
 */
record ProbeTiming(
    Duration startupBudget,
    Duration livenessKillAfterStall,
    Duration readinessRemovalAfterStall,
    Duration preStopSleep,
    Duration shutdownGrace,
    Duration terminationGrace,
    Duration progressDeadline,
    Duration minReady) {

  private static final Pattern SLEEP = Pattern.compile("\\bsleep\\s+(\\d+)\\b");

  static ProbeTiming of(Deployment deployment) {
    Container container = Manifests.container(deployment);
    Probe startup = container.getStartupProbe();
    return new ProbeTiming(
        // The kubelet restarts the container once failureThreshold startup checks have failed.
        seconds(
            orZero(startup.getInitialDelaySeconds())
                + startup.getFailureThreshold() * startup.getPeriodSeconds()),
        worstCaseDetection(container.getLivenessProbe()),
        worstCaseDetection(container.getReadinessProbe()),
        seconds(preStopSleepSeconds(container)),
        // As the server reads it (its default applies when the manifest does not set it).
        serverConfig(container).shutdownGrace(),
        seconds(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()),
        seconds(deployment.getSpec().getProgressDeadlineSeconds()),
        seconds(deployment.getSpec().getMinReadySeconds()));
  }

  /**
   * Worst case from the moment an endpoint starts failing to the probe's action: the next check may
   * be up to one period away, then failureThreshold - 1 more periods pass, and the last check may
   * take its full timeout.
   */
  static Duration worstCaseDetection(Probe probe) {
    return seconds(
        probe.getFailureThreshold() * probe.getPeriodSeconds() + probe.getTimeoutSeconds());
  }

  /** Best case: the first failing check comes right after the fault. */
  static Duration bestCaseDetection(Probe probe) {
    return seconds((probe.getFailureThreshold() - 1) * probe.getPeriodSeconds());
  }

  private static long preStopSleepSeconds(Container container) {
    List<String> command = container.getLifecycle().getPreStop().getExec().getCommand();
    Matcher m = SLEEP.matcher(String.join(" ", command));
    if (!m.find()) {
      throw new AssertionError("preStop does not sleep: " + command);
    }
    return Long.parseLong(m.group(1));
  }

  private static ServerConfig serverConfig(Container container) {
    Map<String, String> env = new HashMap<>();
    container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return ServerConfig.fromEnv(env);
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }
}
