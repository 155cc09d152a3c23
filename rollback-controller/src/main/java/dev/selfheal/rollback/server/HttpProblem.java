package dev.selfheal.rollback.server;

/** A request the server refuses with a specific 4xx/5xx status and a JSON body naming why. */
public final class HttpProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  /**
   * Creates a problem.
   *
   * @param status HTTP status
   * @param field the offending field or header, or null
   * @param message explanation for the caller
   */
  public HttpProblem(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  /** HTTP status. */
  public int status() {
    return status;
  }

  /** Offending field or header, or null. */
  public String field() {
    return field;
  }
}
