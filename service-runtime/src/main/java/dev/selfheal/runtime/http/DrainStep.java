package dev.selfheal.runtime.http;

/**
 * What one step of a {@link Drain} does to a connection, decided without side effects. Requests in
 * progress or waiting are left alone: they are answered with {@code Connection: close}. A
 * connection on which no byte of a request has arrived is closed (the end sent after whatever was
 * written, never a reset) once it has waited {@code quietNanos}: a client sending in a loop never
 * waits that long, and gets {@code Connection: close} on its next answer instead. A head that is
 * arriving is let finish until {@code headsDueBy}, or {@code quietNanos} after its first byte if
 * that is later (never beyond its own deadline); then it is cut: answered that the server is
 * shutting down.
 *
 * @param quietNanos how long a quiet connection is left open, and a head at least let arrive
 * @param headsDueBy when heads arriving as the drain began are due ({@link System#nanoTime})
 */
record DrainStep(long quietNanos, long headsDueBy) {
  /** What the step does. */
  enum Action {
    /** Nothing yet: look again at the next step. */
    WAIT,
    /** Close the connection after what was written. */
    CLOSE,
    /** Answer the arriving head that the server is shutting down, then close. */
    CUT
  }

  /**
   * @param state where the connection is
   * @param holding whether requests pipelined on it wait to be answered
   * @param headStarted whether part of a request head has arrived
   * @param now {@link System#nanoTime} now
   * @param idleSince since when the connection has waited without a byte of a request
   * @param headSince when the arriving head's first byte came
   * @param headerNanos the connection's header deadline
   */
  Action decide(
      GuardState state,
      boolean holding,
      boolean headStarted,
      long now,
      long idleSince,
      long headSince,
      long headerNanos) {
    if (state == GuardState.CLOSING || state == GuardState.REQUEST || holding) {
      return Action.WAIT;
    }
    if (state == GuardState.IDLE || !headStarted) {
      return now - idleSince >= quietNanos ? Action.CLOSE : Action.WAIT;
    }
    long due = Math.min(headSince + headerNanos, Math.max(headsDueBy, headSince + quietNanos));
    return now - due >= 0 ? Action.CUT : Action.WAIT;
  }
}
