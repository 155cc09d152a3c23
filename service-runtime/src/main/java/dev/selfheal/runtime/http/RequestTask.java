package dev.selfheal.runtime.http;

/**
 * What a route's executor is handed for one request: {@link #run} runs the handler and answers. An
 * executor that learns its worker will never finish (a model stuck in inference) calls {@link
 * #abandon} to answer the request itself, from any thread; whichever answer comes first is written,
 * the other is dropped.
 */
public interface RequestTask extends Runnable {
  /** Answers the request with the mapped error of {@code cause} unless it is answered already. */
  void abandon(Throwable cause);
}
