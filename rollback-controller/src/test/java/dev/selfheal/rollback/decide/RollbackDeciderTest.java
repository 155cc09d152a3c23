package dev.selfheal.rollback.decide;

import static dev.selfheal.rollback.Fixtures.HASH_V1;
import static dev.selfheal.rollback.Fixtures.HASH_V2;
import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static dev.selfheal.rollback.Fixtures.RS_V1;
import static dev.selfheal.rollback.Fixtures.RS_V2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table of every rule of {@link RollbackDecider#decide}: one row per rule, plus the happy path. */
class RollbackDeciderTest {

  private static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");
  private static final Instant V1_CREATED = NOW.minus(Duration.ofDays(1));
  private static final Instant V2_CREATED = NOW.minus(Duration.ofMinutes(10));
  private static final RollbackPolicy POLICY = Fixtures.POLICY;

  /** Mutable inputs of one row. */
  static final class Situation {
    Deployment deployment = Fixtures.deployment("v2", true);
    List<ReplicaSet> replicaSets =
        new ArrayList<>(
            List.of(
                Fixtures.replicaSet("v1", 1, V1_CREATED),
                Fixtures.replicaSet("v2", 2, V2_CREATED)));
    Trigger trigger = alertAbout(HASH_V2, V2_CREATED.plusSeconds(60));
    Memory memory = Memory.empty();
    Instant now = NOW;

    Decision decide() {
      return new RollbackDecider(POLICY).decide(deployment, replicaSets, trigger, memory, now);
    }
  }

  /** A firing allowlisted alert about the revision with template hash {@code hash}. */
  private static Trigger alertAbout(String hash, Instant startsAt) {
    return Trigger.alert("ModelAccuracyLow", NS, NAME, null, startsAt, true).withTemplateHash(hash);
  }

  /**
   * v2's ReplicaSet created 40 minutes ago (an old one re-applied, or a slow rollout), with a
   * Progressing condition {@code reason} about {@code replicaSet} last updated at {@code updated}.
   */
  private static void oldV2(Situation s, String reason, Instant updated, String replicaSet) {
    s.replicaSets.set(1, Fixtures.replicaSet("v2", 2, NOW.minus(Duration.ofMinutes(40))));
    Fixtures.progressing(s.deployment, reason, updated, replicaSet);
  }

  private static RollbackRecord rollbackAt(Instant time, String fromHash) {
    return new RollbackRecord(
        new Revision(3, NAME + "-" + fromHash, fromHash),
        new Revision(2, RS_V1, HASH_V1),
        "ModelDegraded",
        "alert",
        time,
        false);
  }

  private static Arguments row(String name, Consumer<Situation> change, String expected) {
    return Arguments.of(name, change, expected);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        row("firing allowlisted alert on v2 rolls back", s -> {}, "rollback"),
        row(
            "watch trigger (ProgressDeadlineExceeded) rolls back",
            s -> s.trigger = Trigger.rolloutFailed("ProgressDeadlineExceeded", NS, NAME, RS_V2),
            "rollback"),
        row(
            "resolved alert is ignored",
            s -> s.trigger = Trigger.alert("ModelAccuracyLow", NS, NAME, null, null, false),
            "alert_resolved"),
        row(
            "alert outside ALERT_NAMES is ignored",
            s -> s.trigger = Trigger.alert("Watchdog", NS, NAME, null, null, true),
            "alert_not_allowed"),
        row(
            "watch reasons are not subject to the alert allowlist",
            s -> s.trigger = Trigger.rolloutFailed("CrashLoopBackOff", NS, NAME, null),
            "rollback"),
        row(
            "namespace outside ALLOWED_NAMESPACES is ignored",
            s ->
                s.trigger =
                    Trigger.alert("ModelAccuracyLow", "kube-system", NAME, null, null, true),
            "namespace_not_allowed"),
        row("unknown Deployment is a no-op", s -> s.deployment = null, "deployment_not_found"),
        row(
            "Deployment without the opt-in label is ignored",
            s -> s.deployment = Fixtures.deployment("v2", false),
            "not_opted_in"),
        row(
            "opt-in label with another value is ignored",
            s -> s.deployment.getMetadata().getLabels().put(Revisions.OPT_IN_LABEL, "yes"),
            "not_opted_in"),
        row(
            "paused Deployment is left to the human who paused it",
            s -> s.deployment.getSpec().setPaused(true),
            "deployment_paused"),
        row(
            "no ReplicaSet for the current template yet",
            s -> s.replicaSets.remove(1),
            "no_current_revision"),
        row(
            "ReplicaSets of another owner are not ours",
            s ->
                s.replicaSets.forEach(
                    rs -> rs.getMetadata().getOwnerReferences().get(0).setUid("someone-else")),
            "no_current_revision"),
        row(
            "pod alert about the old ReplicaSet is stale",
            s -> s.trigger = Trigger.alert("ModelAccuracyLow", NS, NAME, RS_V1, null, true),
            "stale_revision"),
        row(
            "failed rollout named for a ReplicaSet that is no longer current is stale",
            s -> s.trigger = Trigger.rolloutFailed("ProgressDeadlineExceeded", NS, NAME, RS_V1),
            "stale_revision"),
        row(
            "alert that started before the current revision existed is stale",
            s ->
                s.trigger =
                    alertAbout(
                        HASH_V2, V2_CREATED.minus(RollbackDecider.CLOCK_SKEW).minusSeconds(1)),
            "stale_alert"),
        row(
            "alert stamped a little before the revision became current (Prometheus's clock behind"
                + " the API server's) is judged",
            s -> s.trigger = alertAbout(HASH_V2, V2_CREATED.minusSeconds(20)),
            "rollback"),
        row(
            "alert that started before our last rollback is stale",
            s -> {
              s.memory = lastRollbackAt(V2_CREATED.plusSeconds(120));
              s.now = NOW.plus(Duration.ofHours(1));
            },
            "stale_alert"),
        row(
            "alert about a revision current for 30 days does not roll it back",
            s -> {
              s.replicaSets.set(1, Fixtures.replicaSet("v2", 2, NOW.minus(Duration.ofDays(30))));
              Fixtures.progressing(
                  s.deployment,
                  "NewReplicaSetAvailable",
                  NOW.minus(Duration.ofDays(30)).plusSeconds(90),
                  RS_V2);
            },
            "outside_rollout_window"),
        row(
            "without a Progressing condition the window counts from the ReplicaSet's creation",
            s -> s.replicaSets.set(1, Fixtures.replicaSet("v2", 2, NOW.minusSeconds(901))),
            "outside_rollout_window"),
        row(
            "re-applied old ReplicaSet: FoundNewReplicaSet opens a new window",
            s -> {
              oldV2(s, "FoundNewReplicaSet", NOW.minusSeconds(300), RS_V2);
              s.trigger = alertAbout(HASH_V2, NOW.minusSeconds(60));
            },
            "rollback"),
        row(
            "alert that started before an old ReplicaSet was re-applied is stale",
            s -> {
              oldV2(s, "FoundNewReplicaSet", NOW.minusSeconds(300), RS_V2);
              s.trigger = alertAbout(HASH_V2, NOW.minusSeconds(1200));
            },
            "stale_alert"),
        row(
            "a slow rollout's progress keeps the window open",
            s -> oldV2(s, "ReplicaSetUpdated", NOW.minusSeconds(60), RS_V2),
            "rollback"),
        row(
            "a Progressing condition about another ReplicaSet is not this revision's",
            s -> oldV2(s, "FoundNewReplicaSet", NOW.minusSeconds(60), RS_V1),
            "outside_rollout_window"),
        row(
            "only one revision: nothing to roll back to",
            s -> s.replicaSets.remove(0),
            "no_previous_revision"),
        row(
            "revisionHistoryLimit 0 deleted the old ReplicaSet",
            s -> {
              s.deployment.getSpec().setRevisionHistoryLimit(0);
              s.replicaSets.remove(0);
            },
            "no_previous_revision"),
        row(
            "ReplicaSet without a revision annotation is not a candidate",
            s -> s.replicaSets.get(0).getMetadata().setAnnotations(null),
            "no_previous_revision"),
        row(
            "previous revision with the same template: already there",
            s ->
                s.replicaSets
                    .get(0)
                    .getSpec()
                    .setTemplate(s.replicaSets.get(1).getSpec().getTemplate()),
            "already_at_target"),
        row(
            "never back to a revision recorded as bad (ping-pong)",
            s -> s.memory = badRevision(HASH_V1),
            "ping_pong"),
        row(
            "a bad record about another revision does not block the target",
            s -> s.memory = badRevision("otherhash"),
            "rollback"),
        row(
            "alert naming neither a live pod nor a template hash: revision unknown",
            s ->
                s.trigger =
                    Trigger.alert(
                        "ModelAccuracyLow", NS, NAME, null, V2_CREATED.plusSeconds(60), true),
            "revision_unknown"),
        row(
            "alert whose template hash is not the current revision's is stale",
            s -> s.trigger = alertAbout(HASH_V1, V2_CREATED.plusSeconds(60)),
            "stale_revision"),
        row(
            "alert about the current hash after a manual undo to v1: v1 is current, v2 is bad",
            s -> {
              // kubectl rollout undo: template back to v1, v1's ReplicaSet renumbered to 3.
              s.deployment = Fixtures.deployment("v1", true);
              s.replicaSets
                  .get(0)
                  .getMetadata()
                  .getAnnotations()
                  .put(Revisions.REVISION_ANNOTATION, "3");
              s.trigger = alertAbout(HASH_V2, V2_CREATED.plusSeconds(60));
            },
            "stale_revision"),
        row(
            "cooldown after a recent rollback of this Deployment",
            s -> s.memory = lastRollbackAt(NOW.minus(Duration.ofMinutes(9))),
            "cooldown"),
        row(
            "cooldown over: rolls back",
            s -> s.memory = lastRollbackAt(V2_CREATED.minusSeconds(30)),
            "rollback"),
        row(
            "global hourly cap reached",
            s ->
                s.memory =
                    recentRollbacks(
                        NOW.minusSeconds(3000), NOW.minusSeconds(2000), NOW.minusSeconds(10)),
            "rate_limited"),
        row(
            "rollbacks older than an hour do not count",
            s ->
                s.memory =
                    recentRollbacks(
                        NOW.minusSeconds(4000), NOW.minusSeconds(3700), NOW.minusSeconds(10)),
            "rollback"),
        row(
            "the current revision carries the controller's own mark: re-applied after its"
                + " rollback, so hands off",
            s -> s.memory = marked(rollbackAt(V2_CREATED.minusSeconds(300), HASH_V2)),
            "reapplied_bad_revision"),
        row(
            "a dry-run record about the current revision is no mark (nothing was rolled back)",
            s -> s.memory = marked(dryRunAt(V2_CREATED.minusSeconds(900), HASH_V2)),
            "rollback"),
        row(
            "a mark cleared from the ReplicaSet lets the controller act again, although the"
                + " Deployment's last-rollback record still names the revision",
            s ->
                s.memory =
                    new Memory(
                        rollbackAt(V2_CREATED.minusSeconds(900), HASH_V2),
                        Map.of(HASH_V2, rollbackAt(V2_CREATED.minusSeconds(900), HASH_V2)),
                        Map.of(),
                        List.of(),
                        List.of()),
            "rollback"),
        row(
            "per-Deployment hourly cap reached (MAX_ROLLBACKS_PER_DEPLOYMENT_PER_HOUR 2)",
            s -> s.memory = ownRollbacks(NOW.minusSeconds(3000), NOW.minusSeconds(2000)),
            "rate_limited"),
        row(
            "annotation max-rollbacks-per-hour raises this Deployment's cap",
            s -> {
              s.memory = ownRollbacks(NOW.minusSeconds(3000), NOW.minusSeconds(2000));
              annotate(s, Overrides.MAX_PER_HOUR, "3");
            },
            "rollback"),
        row(
            "annotation max-rollbacks-per-hour cannot lift the global cap",
            s -> {
              s.memory =
                  recentRollbacks(
                      NOW.minusSeconds(3000), NOW.minusSeconds(2000), NOW.minusSeconds(9));
              annotate(s, Overrides.MAX_PER_HOUR, "50");
            },
            "rate_limited"),
        row(
            "annotation cooldown-seconds shortens this Deployment's cooldown",
            s -> {
              s.memory = lastRollbackAt(NOW.minus(Duration.ofMinutes(9)));
              annotate(s, Overrides.COOLDOWN, "300");
            },
            "rollback"),
        row(
            "annotation rollout-window-seconds narrows this Deployment's window",
            s -> annotate(s, Overrides.ROLLOUT_WINDOW, "60"),
            "outside_rollout_window"),
        row(
            "an annotation that is not a number stops the controller from guessing",
            s -> annotate(s, Overrides.COOLDOWN, "ten minutes"),
            "invalid_override"),
        row(
            "an out-of-range annotation too",
            s -> annotate(s, Overrides.ROLLOUT_WINDOW, "0"),
            "invalid_override"),
        row(
            "dry-run annotation with another value than true or false",
            s -> annotate(s, Overrides.DRY_RUN, "yes"),
            "invalid_override"));
  }

  private static void annotate(Situation s, String key, String value) {
    s.deployment.getMetadata().getAnnotations().put(key, value);
  }

  private static Memory marked(RollbackRecord mark) {
    return new Memory(
        mark,
        Map.of(mark.from().templateHash(), mark),
        Map.of(mark.from().templateHash(), mark),
        List.of(),
        List.of());
  }

  /** The last rollback of this Deployment, from another revision ("x"), at {@code time}. */
  private static Memory lastRollbackAt(Instant time) {
    return new Memory(rollbackAt(time, "x"), Map.of(), List.of());
  }

  /** The revision with template hash {@code hash} recorded as bad, two hours ago. */
  private static Memory badRevision(String hash) {
    return new Memory(null, Map.of(hash, rollbackAt(NOW.minusSeconds(7200), hash)), List.of());
  }

  /** Rollbacks of other Deployments at {@code times}, for the global cap. */
  private static Memory recentRollbacks(Instant... times) {
    return new Memory(null, Map.of(), List.of(times));
  }

  private static Memory ownRollbacks(Instant... times) {
    return new Memory(null, Map.of(), Map.of(), List.of(times), List.of(times));
  }

  private static RollbackRecord dryRunAt(Instant time, String fromHash) {
    RollbackRecord r = rollbackAt(time, fromHash);
    return new RollbackRecord(r.from(), r.to(), r.reason(), r.trigger(), r.time(), true);
  }

  @Test
  void dryRunAnnotationDecidesARollbackToReportOnly() {
    Situation s = new Situation();
    annotate(s, Overrides.DRY_RUN, "true");
    Decision d = s.decide();
    assertThat(d.isRollback()).isTrue();
    assertThat(d.dryRun()).isTrue();
    assertThat(new Situation().decide().dryRun()).isFalse();
  }

  @Test
  void theReappliedRuleSaysHowToClearTheMark() {
    Situation s = new Situation();
    s.memory = marked(rollbackAt(V2_CREATED.minusSeconds(300), HASH_V2));
    assertThat(s.decide().detail())
        .contains(
            "revision 2 (" + RS_V2 + ")",
            "kubectl annotate rs " + RS_V2 + " rollback.selfheal.dev/bad-revision-");
  }

  @Test
  void anInvalidAnnotationIsNamedInTheDetail() {
    Situation s = new Situation();
    annotate(s, Overrides.COOLDOWN, "ten minutes");
    assertThat(s.decide().detail())
        .contains("rollback.selfheal.dev/cooldown-seconds", "\"ten minutes\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rule(String name, Consumer<Situation> change, String expected) {
    Situation s = new Situation();
    change.accept(s);
    assertThat(s.decide().label()).as(name).isEqualTo(expected);
  }

  @Test
  void rollbackTargetsPreviousRevisionAndNamesBoth() {
    Decision d = new Situation().decide();
    assertThat(d.isRollback()).isTrue();
    assertThat(d.from()).isEqualTo(new Revision(2, RS_V2, HASH_V2));
    assertThat(d.to()).isEqualTo(new Revision(1, RS_V1, HASH_V1));
    assertThat(d.target().getMetadata().getName()).isEqualTo(RS_V1);
    assertThat(d.detail()).contains("alert ModelAccuracyLow", "revision 2", "revision 1");
  }

  @Test
  void choosesHighestRevisionBelowCurrentNotTheOldest() {
    Situation s = new Situation();
    ReplicaSet ancient = Fixtures.replicaSet("v1", 1, V1_CREATED);
    ancient.getMetadata().setName(NAME + "-ancient");
    ancient.getMetadata().getLabels().put(Revisions.TEMPLATE_HASH_LABEL, "ancient");
    ancient.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("model-server:v0");
    s.replicaSets.get(0).getMetadata().getAnnotations().put(Revisions.REVISION_ANNOTATION, "5");
    s.replicaSets.get(1).getMetadata().getAnnotations().put(Revisions.REVISION_ANNOTATION, "7");
    s.replicaSets.add(ancient);
    assertThat(s.decide().to().replicaSet()).isEqualTo(RS_V1);
  }

  @Test
  void noHistoryExplainsRevisionHistoryLimitZero() {
    Situation s = new Situation();
    s.deployment.getSpec().setRevisionHistoryLimit(0);
    s.replicaSets.remove(0);
    assertThat(s.decide().detail()).contains("revisionHistoryLimit is 0");
  }

  @Test
  void precheckNeedsNoClusterState() {
    RollbackDecider decider = new RollbackDecider(POLICY);
    assertThat(decider.precheck(Trigger.alert("ModelDegraded", NS, NAME, null, null, true)))
        .isEmpty();
    assertThat(decider.precheck(Trigger.alert("ModelDegraded", NS, NAME, null, null, false)))
        .hasValueSatisfying(d -> assertThat(d.reason()).isEqualTo(Reason.ALERT_RESOLVED));
  }

  @Test
  void decideDoesNotMutateItsInputs() {
    Situation s = new Situation();
    String before = s.deployment.toString() + s.replicaSets;
    s.decide();
    assertThat(s.deployment.toString() + s.replicaSets).isEqualTo(before);
  }
}
