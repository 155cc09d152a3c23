package dev.selfheal.recommender.server;

/** The endpoint does not support the request method; maps to HTTP 405. */
public class MethodNotAllowedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param method the method used
   * @param allowed the method that is supported
   */
  public MethodNotAllowedException(String method, String allowed) {
    super("method " + method + " not allowed; use " + allowed);
  }
}
