package dev.selfheal.runtime.health;

/**
 * One probe check with its verdict and a reason a person can act on.
 *
 * @param name stable check name, e.g. {@code progress}
 * @param pass whether the check passes
 * @param reason why, e.g. {@code last progress 120 ms ago}
 */
public record Check(String name, boolean pass, String reason) {}
