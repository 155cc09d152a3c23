package dev.selfheal.traffic.client;

/** How one request ended, as the generator counts it. */
public enum Outcome {
  /** 2xx with a usable body. */
  OK,
  /** 503: the server shed load or is not ready; it asked us to come back later. */
  UNAVAILABLE,
  /**
   * Another 4xx: the server rejected the request (a generator bug, or an unknown prediction id).
   */
  REJECTED,
  /** Another 5xx. */
  SERVER_ERROR,
  /**
   * No answer within the request timeout: the server accepted the request but is stuck or
   * overloaded.
   */
  TIMED_OUT,
  /** No HTTP answer at all: connection refused or reset. */
  UNREACHABLE
}
