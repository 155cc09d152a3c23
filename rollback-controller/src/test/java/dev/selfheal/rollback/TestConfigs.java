package dev.selfheal.rollback;

import dev.selfheal.rollback.config.ControllerConfig;
import java.util.HashMap;
import java.util.Map;

/** Controller configuration for tests: port 0, short periods, from an env map like Main. */
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
}
