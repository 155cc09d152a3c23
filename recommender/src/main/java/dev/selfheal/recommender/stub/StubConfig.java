package dev.selfheal.recommender.stub;

import dev.selfheal.runtime.config.EnvReader;
import java.util.Map;

/**
 * Settings of the profile API stub.
 *
 * @param port {@code PORT} (default 8081)
 * @param itemCount {@code PROFILE_ITEM_COUNT}, the item space histories are drawn from (match
 *     {@code EMBEDDINGS_COUNT})
 * @param historySize {@code PROFILE_HISTORY_SIZE}
 * @param seed {@code PROFILE_SEED}
 * @param faults initial switches from {@code PROFILE_LATENCY_MS}, {@code PROFILE_ERROR_RATE},
 *     {@code PROFILE_OUTAGE}
 */
public record StubConfig(int port, int itemCount, int historySize, long seed, Faults faults) {

  /** Reads the environment, failing fast with the variable's name. */
  public static StubConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    return new StubConfig(
        env.integer("PORT", 8081, 0, 65535),
        env.integer("PROFILE_ITEM_COUNT", 20_000, 16, Integer.MAX_VALUE),
        env.integer("PROFILE_HISTORY_SIZE", 8, 1, 1000),
        env.longValue("PROFILE_SEED", 7, Long.MIN_VALUE, Long.MAX_VALUE),
        new Faults(
            env.longValue("PROFILE_LATENCY_MS", 0, 0, 600_000),
            env.decimal("PROFILE_ERROR_RATE", 0, 0, 1),
            env.bool("PROFILE_OUTAGE", false)));
  }
}
