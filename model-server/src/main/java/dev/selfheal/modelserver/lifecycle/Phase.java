package dev.selfheal.modelserver.lifecycle;

/** Where the server is in its life. Moves forward only. */
public enum Phase {
  /** HTTP is up, the model is loading or being self-checked. */
  STARTING,
  /** Model loaded and self-checked: traffic welcome. */
  READY,
  /** SIGTERM received: readiness fails, in-flight work drains. */
  DRAINING,
  /** HTTP stopped. */
  STOPPED
}
