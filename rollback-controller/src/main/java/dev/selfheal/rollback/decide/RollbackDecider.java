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

  /**
   * How far Prometheus's clock (an alert's {@code startsAt}) may be behind the API server's (the
   * Progressing condition, the last rollback's record) before an alert counts as older than them.
   * An alert about another revision is already refused by its {@code pod_template_hash}, so the
   * tolerance cannot let a late alert about a replaced revision act.
   */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

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
    Overrides.Result settings = Overrides.of(deployment, policy);
    if (settings.valid().isEmpty()) {
      return Decision.ignore(
          Reason.INVALID_OVERRIDE,
          settings.problem()
              + "; the controller does not act on this Deployment until it is fixed");
    }
    Overrides overrides = settings.overrides();
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
    Observed seen = new Observed(deployment, owned, current.get(), overrides);
    return aboutTheSignal(seen, trigger, memory)
        .or(() -> aboutTheRevision(seen, memory, now))
        .orElseGet(() -> towardsTheTarget(seen, trigger, memory, now));
  }

  /**
   * What {@link #decide} found, once the Deployment is known to be one it may act on.
   *
   * @param deployment the Deployment
   * @param owned its ReplicaSets that carry a revision number
   * @param current the one whose template is the Deployment's
   * @param overrides the settings for this Deployment
   */
  private record Observed(
      Deployment deployment, List<ReplicaSet> owned, ReplicaSet current, Overrides overrides) {

    Revision from() {
      return Revisions.describe(current);
    }
  }

  /** Rules about the signal: is it about the current revision, and is it newer than it? */
  private Optional<Decision> aboutTheSignal(Observed seen, Trigger trigger, Memory memory) {
    Revision from = seen.from();
    if (trigger.kind() == Trigger.Kind.ALERT
        && trigger.replicaSet() == null
        && trigger.templateHash() == null) {
      // Without the revision the alert is about, a late alert could undo a manual rollback or a
      // GitOps revert and redeploy the bad release: refuse rather than guess.
      return Optional.of(
          Decision.ignore(
              Reason.REVISION_UNKNOWN,
              "the alert names neither a running pod nor a pod_template_hash label, so the revision"
                  + " it is about is unknown"));
    }
    if (trigger.templateHash() != null && !trigger.templateHash().equals(from.templateHash())) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_REVISION,
              "signal is about the revision with pod-template-hash "
                  + trigger.templateHash()
                  + " but the current one is "
                  + from.templateHash()
                  + " (revision "
                  + from.number()
                  + ")"));
    }
    if (trigger.replicaSet() != null && !trigger.replicaSet().equals(from.replicaSet())) {
      return Optional.of(
          Decision.ignore(
              Reason.STALE_REVISION,
              "signal is about ReplicaSet "
                  + trigger.replicaSet()
                  + " but the current one is "
                  + from.replicaSet()));
    }
    Instant becameCurrent = RolloutTimes.becameCurrent(seen.deployment(), seen.current());
    if (trigger.startsAt() != null) {
      if (becameCurrent != null && trigger.startsAt().isBefore(becameCurrent.minus(CLOCK_SKEW))) {
        return Optional.of(
            Decision.ignore(
                Reason.STALE_ALERT,
                "alert started at "
                    + trigger.startsAt()
                    + ", before revision "
                    + from.number()
                    + " became current at "
                    + becameCurrent));
      }
      if (memory.last() != null
          && trigger.startsAt().isBefore(memory.last().time().minus(CLOCK_SKEW))) {
        return Optional.of(
            Decision.ignore(
                Reason.STALE_ALERT,
                "alert started at "
                    + trigger.startsAt()
                    + ", before the last rollback at "
                    + memory.last().time()));
      }
    }
    return Optional.empty();
  }

  /**
   * Rules about the current revision: is its rollout recent enough, and did someone put it back
   * after the controller rolled back from it?
   */
  private Optional<Decision> aboutTheRevision(Observed seen, Memory memory, Instant now) {
    Revision from = seen.from();
    Overrides overrides = seen.overrides();
    Instant becameCurrent = RolloutTimes.becameCurrent(seen.deployment(), seen.current());
    Instant lastStep = RolloutTimes.lastRolloutStep(seen.deployment(), seen.current());
    if (lastStep != null && now.isAfter(lastStep.plus(overrides.rolloutWindow()))) {
      return Optional.of(
          Decision.ignore(
              Reason.OUTSIDE_ROLLOUT_WINDOW,
              "revision "
                  + from.number()
                  + " has been current since "
                  + becameCurrent
                  + " and its rollout last moved at "
                  + lastStep
                  + ", more than the rollout window ("
                  + overrides.rolloutWindow().toSeconds()
                  + " s, ROLLOUT_WINDOW_SECONDS or "
                  + Overrides.ROLLOUT_WINDOW
                  + ") ago: only a rollout's own revision is rolled back"));
    }
    RollbackRecord mark = memory.marked().get(from.templateHash());
    if (mark != null && !mark.dryRun()) {
      // The controller rolled back from this very revision, and a person or a GitOps tool made it
      // current again: rolling back once more would start a tug of war that only uses up the caps.
      return Optional.of(
          Decision.ignore(
              Reason.REAPPLIED_BAD_REVISION,
              "revision "
                  + from.number()
                  + " ("
                  + from.replicaSet()
                  + ") was rolled back at "
                  + mark.time()
                  + " ("
                  + mark.reason()
                  + ") and has been made current again since, by a person or GitOps: the controller"
                  + " leaves it to them. To let the controller act on it again, clear the mark: kubectl"
                  + " annotate rs "
                  + from.replicaSet()
                  + " "
                  + Revisions.BAD_REVISION_ANNOTATION
                  + "-"));
    }
    return Optional.empty();
  }

  /** Rules about the target (the revision before the current one) and the pace of rollbacks. */
  private Decision towardsTheTarget(Observed seen, Trigger trigger, Memory memory, Instant now) {
    Revision from = seen.from();
    Overrides overrides = seen.overrides();
    Deployment deployment = seen.deployment();
    Optional<ReplicaSet> previous =
        seen.owned().stream()
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
    Optional<Decision> paced = pacing(seen, trigger, memory, now);
    if (paced.isPresent()) {
      return paced.get();
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
            + ")",
        overrides.dryRun());
  }

  /** The pace of rollbacks: this Deployment's cooldown, then the hourly caps. */
  private Optional<Decision> pacing(Observed seen, Trigger trigger, Memory memory, Instant now) {
    Overrides overrides = seen.overrides();
    if (memory.last() != null && now.isBefore(memory.last().time().plus(overrides.cooldown()))) {
      return Optional.of(
          Decision.ignore(
              Reason.COOLDOWN,
              "last rollback at "
                  + memory.last().time()
                  + ", cooldown "
                  + overrides.cooldown().toSeconds()
                  + " s (COOLDOWN_SECONDS or "
                  + Overrides.COOLDOWN
                  + "); roll back by hand if it cannot wait: kubectl rollout undo deployment/"
                  + trigger.deployment()));
    }
    Optional<Decision> limited =
        rateLimit(overrides, memory.recentRollbacks(), memory.deploymentRollbacks(), now);
    return limited;
  }

  /**
   * The hourly caps: {@code MAX_ROLLBACKS_PER_HOUR} over all Deployments and the per-Deployment cap
   * ({@code MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR} or its annotation). The controller applies it
   * again when it takes its place in the hourly ledger, so that two Deployments deciding at once
   * cannot both take the last place.
   *
   * @param deployment the Deployment about to be rolled back
   * @param all times of recent rollbacks of every Deployment
   * @param mine times of recent rollbacks of this Deployment
   * @param now the current time
   * @return a decision to ignore, or empty when both caps leave room
   */
  public Optional<Decision> rateLimit(
      Deployment deployment, List<Instant> all, List<Instant> mine, Instant now) {
    Optional<Overrides> overrides = Overrides.of(deployment, policy).valid();
    int perDeployment =
        overrides.map(Overrides::maxPerHour).orElse(policy.maxRollbacksPerDeploymentPerHour());
    return rateLimit(perDeployment, policy.maxRollbacksPerHour(), all, mine, now);
  }

  private Optional<Decision> rateLimit(
      Overrides overrides, List<Instant> all, List<Instant> mine, Instant now) {
    return rateLimit(overrides.maxPerHour(), policy.maxRollbacksPerHour(), all, mine, now);
  }

  private static Optional<Decision> rateLimit(
      int perDeployment, int global, List<Instant> all, List<Instant> mine, Instant now) {
    Instant hourAgo = now.minus(HOUR);
    long lastHour = all.stream().filter(t -> t.isAfter(hourAgo)).count();
    if (lastHour >= global) {
      return Optional.of(
          Decision.ignore(
              Reason.RATE_LIMITED,
              lastHour
                  + " rollbacks of all Deployments in the last hour, MAX_ROLLBACKS_PER_HOUR is "
                  + global
                  + "; a person must look at what is failing"));
    }
    long ownLastHour = mine.stream().filter(t -> t.isAfter(hourAgo)).count();
    if (ownLastHour >= perDeployment) {
      return Optional.of(
          Decision.ignore(
              Reason.RATE_LIMITED,
              ownLastHour
                  + " rollbacks of this Deployment in the last hour, its cap is "
                  + perDeployment
                  + " (MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR or "
                  + Overrides.MAX_PER_HOUR
                  + "); a person must look at what is failing"));
    }
    return Optional.empty();
  }
}
