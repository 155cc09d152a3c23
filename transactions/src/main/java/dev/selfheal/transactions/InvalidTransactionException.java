package dev.selfheal.transactions;

/** A transaction field is missing, of the wrong type or out of range. Maps to HTTP 400. */
public final class InvalidTransactionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /** Creates the exception for the JSON field {@code field}. */
  public InvalidTransactionException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  /** The JSON field name at fault, e.g. {@code amount}. */
  public String field() {
    return field;
  }
}
