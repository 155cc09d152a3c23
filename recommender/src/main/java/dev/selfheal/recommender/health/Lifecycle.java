package dev.selfheal.recommender.health;

/**
 * Process lifecycle flags that the probes read. Draining starts on SIGTERM: readiness turns 503 at
 * once so the endpoint is removed, while liveness stays 200 and requests in flight finish.
 */
public final class Lifecycle {

  private volatile boolean draining;

  /** Marks the process as shutting down. */
  public void startDraining() {
    draining = true;
  }

  /** Whether shutdown has begun. */
  public boolean isDraining() {
    return draining;
  }
}
