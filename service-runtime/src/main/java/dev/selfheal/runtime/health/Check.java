package dev.selfheal.runtime.health;

/**
 * One probe check with its verdict and a reason a person can act on.
 *
 * @param name stable check name, e.g. {@code progress}
 * @param pass whether the check passes
 * @param reason why, e.g. {@code last progress 120 ms ago}
 */
public record Check(String name, boolean pass, String reason) {

  /** A passing check. */
  public static Check passing(String name, String reason) {
    return new Check(name, true, reason);
  }

  /** A failing check. */
  public static Check failing(String name, String reason) {
    return new Check(name, false, reason);
  }

  /** A check that passes when {@code pass} holds, with the reason for each verdict. */
  public static Check of(String name, boolean pass, String passReason, String failReason) {
    return new Check(name, pass, pass ? passReason : failReason);
  }
}
