package dev.selfheal.rollback;

import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.config.ControllerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Controller configuration for tests: port 0, short periods, from an env map like Main; and the
 * controller started on it, leading, with its watch synced.
 */
public final class TestConfigs {

  private TestConfigs() {}

  /** Defaults for tests plus {@code overrides}. */
  public static ControllerConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("WEBHOOK_TOKEN", Webhooks.TOKEN);
    env.put("RESYNC_SECONDS", "1");
    env.put("POD_NAME", "rollback-controller-test");
    env.put("LEASE_DURATION_SECONDS", "6");
    env.put("RENEW_DEADLINE_SECONDS", "4");
    env.put("RETRY_PERIOD_SECONDS", "1");
    env.put("MAX_BODY_BYTES", "65536");
    env.putAll(overrides);
    return ControllerConfig.fromEnv(env);
  }

  /**
   * Starts the controller on {@link #config(Map)} with {@code overrides}, a fresh registry and the
   * system clock, and waits up to {@code within} until it leads and its watch has synced.
   */
  public static ControllerApp startLeading(
      KubernetesClient client, Map<String, String> overrides, Duration within) {
    ControllerApp app =
        ControllerApp.start(
            config(overrides), client, new PrometheusRegistry(), Clock.systemUTC(), null);
    await().atMost(within).until(() -> app.leading() && app.watchSynced());
    return app;
  }
}
