package dev.selfheal.rollback.decide;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure "decide" step: given what was observed, whether to roll back and to which revision. No
 * I/O, no clock of its own, no mutation of its inputs; every rule is one early return, in the order
 * listed in docs/rollback-controller.md. The rules live in one class per stage ({@link
 * Eligibility}, {@link Observed}, {@link SignalCheck}, {@link RevisionCheck}, {@link TargetChoice},
 * {@link Pacing}); {@link #decide} runs the stages in order.
 */
public final class RollbackDecider {

  /**
   * How far Prometheus's clock (an alert's {@code startsAt}) may be behind the API server's (the
   * Progressing condition, the last rollback's record) before an alert counts as older than them.
   * An alert about another revision is already refused by its {@code pod_template_hash}, so the
   * tolerance cannot let a late alert about a replaced revision act.
   */
  public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

  private final RollbackPolicy policy;
  private final Pacing pacing;

  /**
   * Creates a decider enforcing {@code policy}.
   *
   * @param policy safety settings
   */
  public RollbackDecider(RollbackPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.pacing = new Pacing(policy.maxRollbacksPerHour());
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
    return Eligibility.ofTrigger(trigger, policy);
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
    Optional<Decision> ineligible =
        precheck(trigger).or(() -> Eligibility.ofDeployment(deployment, trigger));
    if (ineligible.isPresent()) {
      return ineligible.get();
    }
    Overrides.Result settings = Overrides.of(deployment, policy);
    Optional<Decision> invalid = Eligibility.ofSettings(settings);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    Optional<Observed> found = Observed.read(deployment, replicaSets, settings.overrides());
    if (found.isEmpty()) {
      return Observed.noCurrentRevision();
    }
    Observed seen = found.get();
    TargetChoice target = TargetChoice.of(seen);
    return SignalCheck.refusal(seen, trigger, memory)
        .or(() -> RevisionCheck.refusal(seen, memory, now))
        .or(() -> target.refusal(memory))
        .or(() -> pacing.refusal(seen, trigger, memory, now))
        .orElseGet(() -> target.rollback(trigger));
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
    int perDeployment =
        Overrides.of(deployment, policy)
            .valid()
            .map(Overrides::maxPerHour)
            .orElse(policy.maxRollbacksPerDeploymentPerHour());
    return pacing.rateLimit(perDeployment, all, mine, now);
  }
}
