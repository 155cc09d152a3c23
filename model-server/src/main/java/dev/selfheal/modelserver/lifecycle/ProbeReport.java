package dev.selfheal.modelserver.lifecycle;

import java.util.List;

/**
 * The outcome of a probe: passes when every check passes.
 *
 * @param pass overall verdict
 * @param checks every check, passing or not
 */
public record ProbeReport(boolean pass, List<Check> checks) {

  /** Builds a report whose verdict is the conjunction of the checks. */
  public static ProbeReport of(List<Check> checks) {
    return new ProbeReport(checks.stream().allMatch(Check::pass), List.copyOf(checks));
  }
}
