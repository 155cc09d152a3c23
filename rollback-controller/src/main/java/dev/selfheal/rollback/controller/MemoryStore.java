package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.Revision;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackRecord;
import dev.selfheal.rollback.observe.ClusterReader;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds the {@link Memory} the decider needs. Durable facts come from the cluster and are read
 * fresh for every decision: bad-revision marks on the Deployment's own ReplicaSets and its
 * last-rollback annotation. The process adds only what the cluster cannot show: dry-run decisions
 * (nothing is written), which space a dry run's reports and count for nothing else. So a person who
 * removes a mark and the record removes them for good, without a restart. The global hourly ledger
 * is rebuilt from the cluster ({@link #restore}) before an instance's first decision as leader, and
 * each rollback reserves its place in it before the patch, so two Deployments deciding at once
 * cannot both take the last place. A time more than {@link RollbackDecider#CLOCK_SKEW} in the
 * future (a hand-edited record, a forged Event, a clock that ran ahead) counts for nothing.
 * Thread-safe.
 */
final class MemoryStore {

  private static final Duration HOUR = Duration.ofHours(1);

  /** What {@link #reserve} did. */
  enum Reservation {
    /** The place is taken. */
    TAKEN,
    /** The caps refuse. */
    REFUSED,
    /** The caps refuse only because of places held by patches still in flight: retry. */
    BUSY
  }

  /**
   * A reservation's result.
   *
   * @param status what happened
   * @param refusal the caps' decision when {@link Reservation#REFUSED}
   */
  record Reserved(Reservation status, Decision refusal) {}

  private final Map<String, RollbackRecord> dryRuns = new HashMap<>();
  // Key "namespace/name@epochSecond": the same rollback seen through its ReplicaSet record, the
  // Deployment annotation and its Event (second precision) counts once.
  private final Map<String, Instant> ledger = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();

  /** Memory for one Deployment, from its ReplicaSets and annotations and this process. */
  synchronized Memory memoryFor(Deployment deployment, List<ReplicaSet> replicaSets, Instant now) {
    String key = key(deployment);
    Instant latest = now.plus(RollbackDecider.CLOCK_SKEW);
    Map<String, RollbackRecord> bad = new HashMap<>();
    Map<String, RollbackRecord> marked = new HashMap<>();
    RollbackRecord last =
        RollbackAnnotations.lastRollback(deployment)
            .filter(r -> !r.time().isAfter(latest))
            .orElse(null);
    if (last != null) {
      // Covers a stop between the Deployment patch and the ReplicaSet record.
      bad.put(last.from().templateHash(), last);
    }
    for (ReplicaSet rs : replicaSets) {
      if (!Revisions.ownedBy(rs, deployment)) {
        continue;
      }
      Optional<RollbackRecord> mark = RollbackAnnotations.badRevision(rs);
      if (mark.isPresent()) {
        bad.put(mark.get().from().templateHash(), mark.get());
        marked.put(mark.get().from().templateHash(), mark.get());
        if (!mark.get().time().isAfter(latest)) {
          last = later(last, mark.get());
        }
      } else if (RollbackAnnotations.hasUnreadableMark(rs)) {
        Revision self = Revisions.describe(rs);
        marked.put(
            self.templateHash(),
            new RollbackRecord(
                self,
                self,
                "its bad-revision mark is unreadable",
                "unknown",
                Instant.EPOCH,
                false));
      }
    }
    prune(now);
    // Only settled places: one held by a patch still in flight may yet be given back, and the
    // reservation before this Deployment's own patch tells that case apart (BUSY).
    return new Memory(last, dryRuns.get(key), bad, marked, places(null, true), places(key, true));
  }

  /**
   * Takes a place in the hourly ledger for a rollback at {@code time}, if {@code caps} (the
   * decider's rule, given every recent rollback and this Deployment's) leaves room; checked and
   * taken under one lock. The place is held as in flight until {@link #confirm} or {@link
   * #release}.
   */
  synchronized Reserved reserve(
      Deployment deployment,
      Instant time,
      BiFunction<List<Instant>, List<Instant>, Optional<Decision>> caps) {
    prune(time);
    String key = key(deployment);
    Optional<Decision> refused = caps.apply(places(null, false), places(key, false));
    if (refused.isEmpty()) {
      String place = ledgerKey(key, time);
      ledger.put(place, time);
      inFlight.add(place);
      return new Reserved(Reservation.TAKEN, null);
    }
    if (!inFlight.isEmpty()) {
      if (caps.apply(places(null, true), places(key, true)).isEmpty()) {
        return new Reserved(Reservation.BUSY, null);
      }
    }
    return new Reserved(Reservation.REFUSED, refused.get());
  }

  /**
   * Times of the places in the ledger: of every Deployment ({@code deploymentKey} null) or of one;
   * only the settled ones, or those held by patches in flight as well.
   */
  private List<Instant> places(String deploymentKey, boolean settledOnly) {
    return ledger.entrySet().stream()
        .filter(e -> deploymentKey == null || e.getKey().startsWith(deploymentKey + "@"))
        .filter(e -> !settledOnly || !inFlight.contains(e.getKey()))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** The patch of a place taken by {@link #reserve} was acknowledged: the place is settled. */
  synchronized void confirm(Deployment deployment, Instant time) {
    inFlight.remove(ledgerKey(key(deployment), time));
  }

  /** Gives back a place taken by {@link #reserve} for a rollback that did not happen. */
  synchronized void release(Deployment deployment, Instant time) {
    String place = ledgerKey(key(deployment), time);
    ledger.remove(place);
    inFlight.remove(place);
  }

  /** Remembers a dry-run decision (it takes no place in the ledger). */
  synchronized void rememberDryRun(Deployment deployment, RollbackRecord record) {
    dryRuns.put(key(deployment), record);
  }

  /**
   * Rebuilds the hourly ledger from the cluster. Entries this process already has are kept.
   *
   * @return the number of rollbacks in the last hour
   */
  synchronized int restore(ClusterReader.History history, Instant now) {
    Instant hourAgo = now.minus(HOUR);
    for (ReplicaSet rs : history.replicaSets()) {
      Optional<RollbackRecord> mark = RollbackAnnotations.badRevision(rs);
      Optional<String> owner =
          Revisions.controllerOf(rs.getMetadata().getOwnerReferences())
              .filter(ref -> "Deployment".equals(ref.getKind()))
              .map(ref -> rs.getMetadata().getNamespace() + "/" + ref.getName());
      if (mark.isPresent() && owner.isPresent() && mark.get().time().isAfter(hourAgo)) {
        ledger.put(ledgerKey(owner.get(), mark.get().time()), mark.get().time());
      }
    }
    for (Deployment d : history.deployments()) {
      Optional<RollbackRecord> last = RollbackAnnotations.lastRollback(d);
      if (last.isPresent() && last.get().time().isAfter(hourAgo)) {
        ledger.put(ledgerKey(key(d), last.get().time()), last.get().time());
      }
    }
    for (Event e : history.events()) {
      Instant at = eventTime(e);
      if (at != null && at.isAfter(hourAgo) && e.getInvolvedObject() != null) {
        String key = e.getMetadata().getNamespace() + "/" + e.getInvolvedObject().getName();
        ledger.put(ledgerKey(key, at), at);
      }
    }
    prune(now);
    return ledger.size();
  }

  private static RollbackRecord later(RollbackRecord a, RollbackRecord b) {
    if (a == null) {
      return b;
    }
    return b != null && b.time().isAfter(a.time()) ? b : a;
  }

  private static Instant eventTime(Event e) {
    List<String> candidates = new ArrayList<>();
    candidates.add(e.getLastTimestamp());
    candidates.add(e.getFirstTimestamp());
    if (e.getEventTime() != null) {
      candidates.add(e.getEventTime().getTime());
    }
    for (String raw : candidates) {
      if (raw != null && !raw.isBlank()) {
        try {
          return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException ex) {
          // try the next field
        }
      }
    }
    return null;
  }

  private void prune(Instant now) {
    Instant hourAgo = now.minus(HOUR);
    Instant latest = now.plus(RollbackDecider.CLOCK_SKEW);
    ledger.values().removeIf(t -> !t.isAfter(hourAgo) || t.isAfter(latest));
    inFlight.retainAll(ledger.keySet());
  }

  private static String ledgerKey(String deploymentKey, Instant time) {
    return deploymentKey + "@" + time.getEpochSecond();
  }

  private static String key(Deployment d) {
    return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
  }
}
