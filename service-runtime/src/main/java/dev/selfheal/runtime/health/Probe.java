package dev.selfheal.runtime.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One probe (liveness, readiness or startup) of a service: its named checks and the shape of its
 * JSON body. Every probe of every service answers the same way: {@code status} (the service's word
 * for pass or fail), then the constant {@linkplain Builder#field fields}, then {@code checks} (each
 * with {@code name}, {@code pass} and {@code reason}), then the {@linkplain Builder#detail details}
 * computed from the report. {@link ProbeHandler} serves it with 200 or 503.
 *
 * <p>A service whose clients already read another body (the rollback controller's {@code /ready})
 * keeps it with a {@linkplain Builder#layout layout} of its own; the checks still decide the
 * verdict and the status code.
 *
 * <p>A check that throws fails with the exception as its reason instead of failing the request: a
 * probe must always answer.
 */
public final class Probe {
  private final String passStatus;
  private final String failStatus;
  private final List<String> names;
  private final List<Supplier<Check>> checks;
  private final Map<String, Object> fields;
  private final Map<String, Function<ProbeReport, ?>> details;
  private final Function<ProbeReport, ? extends Map<String, ?>> layout;

  private Probe(Builder builder) {
    this.passStatus = builder.passStatus;
    this.failStatus = builder.failStatus;
    this.names = List.copyOf(builder.names);
    this.checks = List.copyOf(builder.checks);
    this.fields = new LinkedHashMap<>(builder.fields);
    this.details = new LinkedHashMap<>(builder.details);
    this.layout = builder.layout;
  }

  /**
   * A builder for a probe whose body says {@code passStatus} or {@code failStatus}, e.g. {@code
   * alive}/{@code dead} or {@code ready}/{@code not_ready}.
   */
  public static Builder builder(String passStatus, String failStatus) {
    return new Builder(passStatus, failStatus);
  }

  /** Runs every check, in declaration order. */
  public ProbeReport report() {
    List<Check> results = new ArrayList<>(checks.size());
    for (int i = 0; i < checks.size(); i++) {
      results.add(run(names.get(i), checks.get(i)));
    }
    return ProbeReport.of(results);
  }

  /** The JSON body for {@code report}, in the layout described above (or the probe's own). */
  public Map<String, Object> body(ProbeReport report) {
    if (layout != null) {
      return new LinkedHashMap<>(layout.apply(report));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.pass() ? passStatus : failStatus);
    body.putAll(fields);
    body.put("checks", report.checks());
    details.forEach(
        (name, detail) -> {
          Object value = detail.apply(report);
          if (value != null) {
            body.put(name, value);
          }
        });
    return body;
  }

  private static Check run(String name, Supplier<Check> supplier) {
    Check check;
    try {
      check = supplier.get();
    } catch (RuntimeException e) {
      return Check.failing(name, "check failed: " + e);
    }
    if (check == null) {
      return Check.failing(name, "check returned no verdict");
    }
    // The declared name wins, so the body's names are fixed where the probe is declared.
    return check.name().equals(name) ? check : new Check(name, check.pass(), check.reason());
  }

  /** Declares a probe's checks and body fields. */
  public static final class Builder {
    private final String passStatus;
    private final String failStatus;
    private final List<String> names = new ArrayList<>();
    private final List<Supplier<Check>> checks = new ArrayList<>();
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final Map<String, Function<ProbeReport, ?>> details = new LinkedHashMap<>();
    private Function<ProbeReport, ? extends Map<String, ?>> layout;

    private Builder(String passStatus, String failStatus) {
      this.passStatus = Objects.requireNonNull(passStatus, "passStatus");
      this.failStatus = Objects.requireNonNull(failStatus, "failStatus");
    }

    /** Adds the check named {@code name}; {@code check} is asked on every probe. */
    public Builder check(String name, Supplier<Check> check) {
      if (names.contains(name)) {
        throw new IllegalArgumentException("check '" + name + "' is declared twice");
      }
      names.add(Objects.requireNonNull(name, "name"));
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** A body field that never changes (e.g. the version), shown before the checks. */
    public Builder field(String name, Object value) {
      fields.put(reserved(name), Objects.requireNonNull(value, name));
      return this;
    }

    /** A body field computed from each report, shown after the checks; left out when it is null. */
    public Builder detail(String name, Function<ProbeReport, ?> detail) {
      details.put(reserved(name), Objects.requireNonNull(detail, name));
      return this;
    }

    /**
     * Writes the whole body with {@code layout} instead of the shared layout, for a probe whose
     * clients already read another body. The checks still decide the verdict (and so 200 or 503);
     * the layout shows them as it must. A probe with a layout declares no fields or details.
     */
    public Builder layout(Function<ProbeReport, ? extends Map<String, ?>> layout) {
      this.layout = Objects.requireNonNull(layout, "layout");
      return this;
    }

    private String reserved(String name) {
      if (name.equals("status") || name.equals("checks")) {
        throw new IllegalArgumentException("'" + name + "' is written by the probe itself");
      }
      if (fields.containsKey(name) || details.containsKey(name)) {
        throw new IllegalArgumentException("body field '" + name + "' is declared twice");
      }
      return name;
    }

    /**
     * Builds the probe.
     *
     * @throws IllegalStateException when no check is declared (a probe that cannot fail), or when a
     *     probe with its own layout declares fields or details (which it would never show)
     */
    public Probe build() {
      if (checks.isEmpty()) {
        throw new IllegalStateException("a probe needs at least one check");
      }
      if (layout != null && !(fields.isEmpty() && details.isEmpty())) {
        throw new IllegalStateException(
            "a probe with its own layout writes the whole body; drop its fields and details");
      }
      return new Probe(this);
    }
  }
}
