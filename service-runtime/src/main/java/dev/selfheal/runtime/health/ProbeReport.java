package dev.selfheal.runtime.health;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of a probe: passes when every check passes. A probe endpoint answers 200 when it
 * passes and 503 when it does not (any 2xx/3xx passes a kubelet probe, anything else fails it).
 *
 * @param pass overall verdict
 * @param checks every check, passing or not
 */
public record ProbeReport(boolean pass, List<Check> checks) {

  /** Freezes the list. */
  public ProbeReport {
    checks = List.copyOf(checks);
  }

  /** A report whose verdict is the conjunction of {@code checks}. */
  public static ProbeReport of(List<Check> checks) {
    boolean pass = true;
    for (Check check : checks) {
      pass &= check.pass();
    }
    return new ProbeReport(pass, checks);
  }

  /** The status a probe endpoint answers with: 200 or 503. */
  public int status() {
    return pass ? 200 : 503;
  }

  /** The check named {@code name}, if the probe has one. */
  public Optional<Check> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Whether the check named {@code name} passed; false when there is none. */
  public boolean passed(String name) {
    return check(name).map(Check::pass).orElse(false);
  }

  /** The first failing check, if any: the reason to show first. */
  public Optional<Check> firstFailure() {
    return checks.stream().filter(c -> !c.pass()).findFirst();
  }
}
