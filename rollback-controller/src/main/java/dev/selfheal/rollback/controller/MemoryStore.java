package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.Revisions;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Builds the {@link Memory} the decider needs. Durable facts come from the cluster and are read
 * fresh for every decision: bad-revision records on the Deployment's own ReplicaSets and its
 * last-rollback annotation. An in-memory layer adds what the cluster cannot show: dry-run decisions
 * (nothing is written) and the moment between our patch and the next read. The global hourly ledger
 * is rebuilt from the cluster ({@link #restore}) before an instance's first decision as leader, and
 * each rollback reserves its place in it before the patch, so two Deployments deciding at once
 * cannot both take the last place. Thread-safe.
 */
final class MemoryStore {

  private static final Duration HOUR = Duration.ofHours(1);

  private final Map<String, RollbackRecord> lastByDeployment = new HashMap<>();
  private final Map<String, Map<String, RollbackRecord>> badByDeployment = new HashMap<>();
  // Key "namespace/name@epochSecond": the same rollback seen through its ReplicaSet record, the
  // Deployment annotation and its Event (second precision) counts once.
  private final Map<String, Instant> ledger = new HashMap<>();

  /** Memory for one Deployment, from its ReplicaSets and annotations and this process. */
  synchronized Memory memoryFor(Deployment deployment, List<ReplicaSet> replicaSets, Instant now) {
    String key = key(deployment);
    Map<String, RollbackRecord> bad = new HashMap<>(badByDeployment.getOrDefault(key, Map.of()));
    Map<String, RollbackRecord> marked = new HashMap<>();
    RollbackRecord last = RollbackAnnotations.lastRollback(deployment).orElse(null);
    if (last != null) {
      // Covers a stop between the Deployment patch and the ReplicaSet record.
      bad.putIfAbsent(last.from().templateHash(), last);
    }
    for (ReplicaSet rs : replicaSets) {
      if (!Revisions.ownedBy(rs, deployment)) {
        continue;
      }
      Optional<RollbackRecord> mark = RollbackAnnotations.badRevision(rs);
      if (mark.isPresent()) {
        bad.put(mark.get().from().templateHash(), mark.get());
        marked.put(mark.get().from().templateHash(), mark.get());
        last = later(last, mark.get());
      }
    }
    last = later(last, lastByDeployment.get(key));
    prune(now);
    return new Memory(last, bad, marked, List.copyOf(ledger.values()), rollbacksOf(key));
  }

  /**
   * Takes a place in the hourly ledger for a rollback at {@code time}, if {@code caps} (the
   * decider's rule, given every recent rollback and this Deployment's) leaves room; checked and
   * taken under one lock.
   *
   * @return empty when the place is taken, else the decision of {@code caps}
   */
  synchronized Optional<Decision> reserve(
      Deployment deployment,
      Instant time,
      BiFunction<List<Instant>, List<Instant>, Optional<Decision>> caps) {
    prune(time);
    String key = key(deployment);
    Optional<Decision> refused = caps.apply(List.copyOf(ledger.values()), rollbacksOf(key));
    if (refused.isEmpty()) {
      ledger.put(ledgerKey(key, time), time);
    }
    return refused;
  }

  private List<Instant> rollbacksOf(String deploymentKey) {
    String prefix = deploymentKey + "@";
    return ledger.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** Gives back a place taken by {@link #reserve} for a rollback that did not happen. */
  synchronized void release(Deployment deployment, Instant time) {
    ledger.remove(ledgerKey(key(deployment), time));
  }

  /** Remembers a rollback (applied or dry-run) whose ledger place is already reserved. */
  synchronized void remember(Deployment deployment, RollbackRecord record) {
    String key = key(deployment);
    lastByDeployment.put(key, record);
    badByDeployment
        .computeIfAbsent(key, k -> new HashMap<>())
        .put(record.from().templateHash(), record);
  }

  /**
   * Rebuilds the hourly ledger from the cluster and adds the bad revisions that only a Deployment's
   * last-rollback annotation still names (the controller stopped between its patch and the
   * ReplicaSet record). Entries this process already has are kept.
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
      if (last.isPresent()) {
        RollbackRecord r = last.get();
        if (r.time().isAfter(hourAgo)) {
          ledger.put(ledgerKey(key(d), r.time()), r.time());
        }
        badByDeployment
            .computeIfAbsent(key(d), k -> new HashMap<>())
            .putIfAbsent(r.from().templateHash(), r);
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
    ledger.values().removeIf(t -> !t.isAfter(hourAgo));
  }

  private static String ledgerKey(String deploymentKey, Instant time) {
    return deploymentKey + "@" + time.getEpochSecond();
  }

  private static String key(Deployment d) {
    return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
  }
}
