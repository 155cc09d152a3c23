package dev.selfheal.runtime.http;

/**
 * Where a {@link ConnectionGuard}'s connection is between its requests, and which deadline runs.
 */
enum GuardState {
  /** Waiting for (the rest of) a request head, under the header deadline. */
  HEAD,
  /** A request is being read or answered: no deadline here. */
  REQUEST,
  /** Between requests, under the idle timeout. */
  IDLE,
  /** Answered and half-closed: input is read and thrown away until the connection closes. */
  CLOSING;

  /** Whether the connection waits: for (the rest of) a request head, or between requests. */
  boolean waiting() {
    return this == HEAD || this == IDLE;
  }
}
