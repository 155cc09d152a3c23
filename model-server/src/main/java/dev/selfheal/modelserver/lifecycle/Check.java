package dev.selfheal.modelserver.lifecycle;

/**
 * One probe check with its verdict and a human-readable reason.
 *
 * @param name stable check name, e.g. {@code progress}
 * @param pass whether the check passes
 * @param reason why, e.g. {@code last progress 120 ms ago}
 */
public record Check(String name, boolean pass, String reason) {}
