package dev.selfheal.recommender.service;

/** A request arrived before the embeddings were loaded (or while draining); maps to HTTP 503. */
public class NotReadyException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message why the service cannot answer yet
   */
  public NotReadyException(String message) {
    super(message);
  }
}
