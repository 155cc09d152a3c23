package dev.selfheal.recommender.server;

/** Invalid client input; maps to HTTP 400 with the offending field named. */
public class BadRequestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the request field at fault
   * @param message what is wrong with it
   */
  public BadRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The request field at fault. */
  public String field() {
    return field;
  }
}
