package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure "decide" step: given what was observed, whether to roll back and to which revision. No
 * I/O, no clock of its own, no mutation of its inputs; every rule is one early return, in the order
 * listed in docs/rollback-controller.md.
 */
public final class RollbackDecider {

  private static final Duration HOUR = Duration.ofHours(1);

  private final RollbackPolicy policy;

  /**
   * Creates a decider enforcing {@code policy}.
   *
   * @param policy safety settings
   */
  public RollbackDecider(RollbackPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The safety settings this decider enforces. */
  public RollbackPolicy policy() {
    return policy;
  }

  /**
   * Rules that need nothing but the trigger, so callers can skip API reads for irrelevant alerts.
   *
   * @param trigger the signal
   * @return a decision to ignore, or empty when the trigger deserves a look
   */
  public Optional<Decision> precheck(Trigger trigger) {
    if (!trigger.firing()) {
      return Optional.of(Decision.ignore(Reason.ALERT_RESOLVED, "alert is resolved"));
    }
    if (trigger.kind() == Trigger.Kind.ALERT && !policy.alertNames().contains(trigger.reason())) {
      return Optional.of(
          Decision.ignore(
              Reason.ALERT_NOT_ALLOWED, "alert " + trigger.reason() + " is not in ALERT_NAMES"));
    }
    if (!policy.namespaces().contains(trigger.namespace())) {
      return Optional.of(
          Decision.ignore(
              Reason.NAMESPACE_NOT_ALLOWED,
              "namespace " + trigger.namespace() + " is not in ALLOWED_NAMESPACES"));
    }
    return Optional.empty();
  }

  /**
   * Decides whether to roll back.
   *
   * @param deployment the Deployment as read now, or null when it does not exist
   * @param replicaSets ReplicaSets in its namespace (ownership is checked here)
   * @param trigger why we are looking
   * @param memory earlier rollbacks
   * @param now the current time
   * @return the decision, never null
   */
  public Decision decide(
      Deployment deployment,
      List<ReplicaSet> replicaSets,
      Trigger trigger,
      Memory memory,
      Instant now) {
    Optional<Decision> early = precheck(trigger);
    if (early.isPresent()) {
      return early.get();
    }
    if (deployment == null) {
      return Decision.ignore(
          Reason.DEPLOYMENT_NOT_FOUND,
          "deployment " + trigger.namespace() + "/" + trigger.deployment() + " not found");
    }
    if (!Revisions.optedIn(deployment)) {
      return Decision.ignore(
          Reason.NOT_OPTED_IN, "deployment lacks label " + Revisions.OPT_IN_LABEL + "=true");
    }
    if (Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
      return Decision.ignore(Reason.PAUSED, "deployment is paused; a human is in charge");
    }
    List<ReplicaSet> owned =
        replicaSets.stream()
            .filter(rs -> Revisions.ownedBy(rs, deployment))
            .filter(rs -> Revisions.revisionOf(rs).isPresent())
            .toList();
    Optional<ReplicaSet> current =
        owned.stream()
            .filter(
                rs ->
                    Revisions.sameTemplate(
                        deployment.getSpec().getTemplate(), rs.getSpec().getTemplate()))
            .max(Comparator.comparingLong(rs -> Revisions.revisionOf(rs).getAsLong()));
    if (current.isEmpty()) {
      return Decision.ignore(
          Reason.NO_CURRENT_REVISION,
          "no ReplicaSet matches the current template yet (rollout just started?)");
    }
    Revision from = Revisions.describe(current.get());
    if (trigger.kind() == Trigger.Kind.ALERT
        && trigger.replicaSet() == null
        && trigger.templateHash() == null) {
      // Without the revision the alert is about, a late alert could undo a manual rollback or a
      // GitOps revert and redeploy the bad release: refuse rather than guess.
      return Decision.ignore(
          Reason.REVISION_UNKNOWN,
          "the alert names neither a running pod nor a pod_template_hash label, so the revision"
              + " it is about is unknown");
    }
    if (trigger.templateHash() != null && !trigger.templateHash().equals(from.templateHash())) {
      return Decision.ignore(
          Reason.STALE_REVISION,
          "signal is about the revision with pod-template-hash "
              + trigger.templateHash()
              + " but the current one is "
              + from.templateHash()
              + " (revision "
              + from.number()
              + ")");
    }
    if (trigger.replicaSet() != null && !trigger.replicaSet().equals(from.replicaSet())) {
      return Decision.ignore(
          Reason.STALE_REVISION,
          "signal is about ReplicaSet "
              + trigger.replicaSet()
              + " but the current one is "
              + from.replicaSet());
    }
    Instant becameCurrent = RolloutTimes.becameCurrent(deployment, current.get());
    if (trigger.startsAt() != null) {
      if (becameCurrent != null && trigger.startsAt().isBefore(becameCurrent)) {
        return Decision.ignore(
            Reason.STALE_ALERT,
            "alert started at "
                + trigger.startsAt()
                + ", before revision "
                + from.number()
                + " became current at "
                + becameCurrent);
      }
      if (memory.last() != null && trigger.startsAt().isBefore(memory.last().time())) {
        return Decision.ignore(
            Reason.STALE_ALERT,
            "alert started at "
                + trigger.startsAt()
                + ", before the last rollback at "
                + memory.last().time());
      }
    }
    Instant lastStep = RolloutTimes.lastRolloutStep(deployment, current.get());
    if (lastStep != null && now.isAfter(lastStep.plus(policy.rolloutWindow()))) {
      return Decision.ignore(
          Reason.OUTSIDE_ROLLOUT_WINDOW,
          "revision "
              + from.number()
              + " has been current since "
              + becameCurrent
              + " and its rollout last moved at "
              + lastStep
              + ", more than ROLLOUT_WINDOW_SECONDS ("
              + policy.rolloutWindow().toSeconds()
              + " s) ago: only a rollout's own revision is rolled back");
    }
    Optional<ReplicaSet> previous =
        owned.stream()
            .filter(rs -> Revisions.revisionOf(rs).getAsLong() < from.number())
            .max(Comparator.comparingLong(rs -> Revisions.revisionOf(rs).getAsLong()));
    if (previous.isEmpty()) {
      Integer limit = deployment.getSpec().getRevisionHistoryLimit();
      return Decision.ignore(
          Reason.NO_PREVIOUS_REVISION,
          "revision "
              + from.number()
              + " has no earlier ReplicaSet to roll back to"
              + (limit != null && limit == 0
                  ? " (revisionHistoryLimit is 0, so old ReplicaSets are deleted)"
                  : ""));
    }
    Revision to = Revisions.describe(previous.get());
    if (Revisions.sameTemplate(
        deployment.getSpec().getTemplate(), previous.get().getSpec().getTemplate())) {
      return Decision.ignore(
          Reason.ALREADY_AT_TARGET, "template already equals revision " + to.number());
    }
    RollbackRecord bad = memory.badRevisions().get(to.templateHash());
    if (bad != null) {
      return Decision.ignore(
          Reason.PING_PONG,
          "revision "
              + to.number()
              + " ("
              + to.replicaSet()
              + ") is recorded as bad (rolled back from at "
              + bad.time()
              + ", "
              + bad.reason()
              + "); a human must choose");
    }
    if (memory.last() != null && now.isBefore(memory.last().time().plus(policy.cooldown()))) {
      return Decision.ignore(
          Reason.COOLDOWN,
          "last rollback at " + memory.last().time() + ", cooldown " + policy.cooldown());
    }
    Instant hourAgo = now.minus(HOUR);
    long lastHour = memory.recentRollbacks().stream().filter(t -> t.isAfter(hourAgo)).count();
    if (lastHour >= policy.maxRollbacksPerHour()) {
      return Decision.ignore(
          Reason.RATE_LIMITED,
          lastHour
              + " rollbacks in the last hour, MAX_ROLLBACKS_PER_HOUR is "
              + policy.maxRollbacksPerHour());
    }
    return Decision.rollback(
        from,
        to,
        previous.get(),
        trigger.describe()
            + ": revision "
            + from.number()
            + " ("
            + from.replicaSet()
            + ") -> revision "
            + to.number()
            + " ("
            + to.replicaSet()
            + ")");
  }
}
