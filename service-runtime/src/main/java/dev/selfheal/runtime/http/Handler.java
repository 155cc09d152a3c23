package dev.selfheal.runtime.http;

/**
 * One endpoint: turns a complete request into a reply. Runs on the event loop unless its {@link
 * Route} names an executor, so a handler without an executor must not block. Anything it throws
 * goes through the service's {@link ErrorMapper}.
 */
@FunctionalInterface
public interface Handler {
  /** Answers {@code request}. */
  Reply handle(Request request) throws Exception;
}
