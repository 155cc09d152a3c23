package dev.selfheal.rollback.observe;

/** A webhook body that cannot be accepted; names the offending field (JSON path). */
public final class InvalidPayloadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates the exception.
   *
   * @param field JSON path of the problem, e.g. {@code alerts[0].labels.namespace}
   * @param message what is wrong with it
   */
  public InvalidPayloadException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** JSON path of the offending field. */
  public String field() {
    return field;
  }
}
