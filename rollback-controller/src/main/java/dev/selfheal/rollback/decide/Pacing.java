package dev.selfheal.rollback.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pace of rollbacks: this Deployment's cooldown, then the hourly caps over all Deployments
 * ({@code MAX_ROLLBACKS_PER_HOUR}) and over this one (its own cap). Bad releases in a row are a
 * person's problem, not a loop's.
 */
final class Pacing {

  private static final Duration HOUR = Duration.ofHours(1);

  private final int globalCap;

  /** Pacing under {@code globalCap} ({@code MAX_ROLLBACKS_PER_HOUR}) rollbacks an hour. */
  Pacing(int globalCap) {
    this.globalCap = globalCap;
  }

  /** The cooldown or a cap that holds back a rollback now, or empty when both leave room. */
  Optional<Decision> refusal(Observed seen, Trigger trigger, Memory memory, Instant now) {
    Overrides overrides = seen.overrides();
    // A dry run's own decisions space its reports; they never hold back a real rollback.
    RollbackRecord last = memory.last();
    if (overrides.dryRun()
        && memory.lastDryRun() != null
        && (last == null || memory.lastDryRun().time().isAfter(last.time()))) {
      last = memory.lastDryRun();
    }
    if (last != null && now.isBefore(last.time().plus(overrides.cooldown()))) {
      return Optional.of(
          Decision.ignore(
              Reason.COOLDOWN,
              (last.dryRun() ? "last dry-run decision at " : "last rollback at ")
                  + last.time()
                  + ", cooldown "
                  + overrides.cooldown().toSeconds()
                  + " s (COOLDOWN_SECONDS or "
                  + Overrides.COOLDOWN
                  + "); roll back by hand if it cannot wait: kubectl rollout undo deployment/"
                  + trigger.deployment()));
    }
    return rateLimit(
        overrides.maxPerHour(), memory.recentRollbacks(), memory.deploymentRollbacks(), now);
  }

  /**
   * The hourly caps.
   *
   * @param perDeployment this Deployment's cap
   * @param all times of recent rollbacks of every Deployment
   * @param mine times of recent rollbacks of this Deployment
   * @param now the current time
   * @return a decision to ignore, or empty when both caps leave room
   */
  Optional<Decision> rateLimit(
      int perDeployment, List<Instant> all, List<Instant> mine, Instant now) {
    Instant hourAgo = now.minus(HOUR);
    long lastHour = all.stream().filter(t -> t.isAfter(hourAgo)).count();
    if (lastHour >= globalCap) {
      return Optional.of(
          Decision.ignore(
              Reason.RATE_LIMITED,
              lastHour
                  + " rollbacks of all Deployments in the last hour, MAX_ROLLBACKS_PER_HOUR is "
                  + globalCap
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
