package dev.selfheal.rollback.controller;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.Trigger;
import java.util.Objects;

/**
 * What became of one trigger; returned to webhook callers as JSON {@code {"namespace",
 * "deployment", "trigger", "decision", "detail"}}.
 *
 * @param namespace namespace (may be null for an unresolved pod)
 * @param deployment Deployment name (may be null for an unresolved pod)
 * @param trigger description of the trigger
 * @param action what the controller did
 * @param reason why it did nothing ({@link Action#IGNORED} only)
 * @param detail explanation
 */
@JsonPropertyOrder({"namespace", "deployment", "trigger", "decision", "detail"})
public record Outcome(
    String namespace,
    String deployment,
    String trigger,
    @JsonIgnore Action action,
    @JsonIgnore Reason reason,
    String detail) {

  /** What the controller did with a trigger. */
  public enum Action {
    /** The Deployment was patched back to its previous template. */
    ROLLED_BACK("rollback"),
    /** A rollback was decided and only reported (dry run). */
    DRY_RUN("dry_run"),
    /** It could not be decided or acted on (API server, conflicts); a retry may succeed. */
    FAILED("failed"),
    /** Decided against acting; {@link Outcome#reason} says why. */
    IGNORED(null);

    private final String label;

    Action(String label) {
      this.label = label;
    }
  }

  /** Checks that an ignored outcome has its reason. */
  public Outcome {
    Objects.requireNonNull(action, "action");
    if ((action == Action.IGNORED) != (reason != null)) {
      throw new IllegalArgumentException("a reason goes with IGNORED and only with it");
    }
  }

  /** A trigger decided against acting. */
  static Outcome ignored(
      String namespace, String deployment, String trigger, Reason reason, String detail) {
    return new Outcome(namespace, deployment, trigger, Action.IGNORED, reason, detail);
  }

  /** A trigger that could not be handled now; the sender is asked to deliver it again. */
  static Outcome failed(Trigger trigger, String detail) {
    return new Outcome(
        trigger.namespace(), trigger.deployment(), trigger.describe(), Action.FAILED, null, detail);
  }

  /**
   * The {@code decision} field: {@code rollback}, {@code dry_run}, {@code failed} or the ignore
   * reason's label.
   */
  @JsonProperty("decision")
  public String decision() {
    return action == Action.IGNORED ? reason.label() : action.label;
  }

  /**
   * Whether a later delivery can change this outcome: a transient failure, or leadership lost
   * mid-request. The webhook answers 503 for these, so that Alertmanager sends them again.
   */
  @JsonIgnore
  public boolean retryable() {
    return action == Action.FAILED || reason == Reason.NOT_LEADER;
  }
}
