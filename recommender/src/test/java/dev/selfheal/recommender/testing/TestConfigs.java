package dev.selfheal.recommender.testing;

import dev.selfheal.recommender.config.RecommenderConfig;
import java.util.HashMap;
import java.util.Map;

/** Config records for tests: fast timings, port 0, overrides on top. */
public final class TestConfigs {

  private TestConfigs() {}

  /** Test defaults plus the given overrides (env-var names). */
  public static RecommenderConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("PORT", "0");
    env.put("WARMUP_MIN_SECONDS", "0");
    env.put("REDIS_RETRY_INITIAL_MS", "100");
    env.put("REDIS_RETRY_MAX_MS", "400");
    env.put("REDIS_TIMEOUT_MS", "500");
    // Generous: a cold JVM on a busy CI machine must not turn expected personalised answers into
    // timeouts.
    env.put("PROFILE_TIMEOUT_MS", "5000");
    env.put("PROFILE_CB_WINDOW", "4");
    env.put("PROFILE_CB_MIN_CALLS", "2");
    env.put("PROFILE_CB_OPEN_MS", "300");
    env.put("PROFILE_CB_HALF_OPEN_CALLS", "2");
    env.put("HEARTBEAT_INTERVAL_MS", "100");
    env.put("HEALTH_STALL_SECONDS", "30");
    env.putAll(overrides);
    return RecommenderConfig.fromEnv(env);
  }
}
