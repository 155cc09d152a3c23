package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.RollbackRecord;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link Memory} the decider needs. Durable facts come from the Deployment's
 * annotations; an in-memory layer covers what the annotations cannot: dry-run decisions (nothing is
 * written), the moment between our patch and the next read, and the global hourly ledger. The
 * ledger is seeded from the annotations of every watched Deployment before the first decision as
 * leader, so a restart does not reset the hourly cap. Not thread-safe: the reconciler serialises
 * access.
 */
final class MemoryStore {

  private static final Duration HOUR = Duration.ofHours(1);

  private final Map<String, RollbackRecord> lastByDeployment = new HashMap<>();
  private final Map<String, Set<String>> rolledBackFrom = new HashMap<>();
  private final Deque<Instant> ledger = new ArrayDeque<>();

  /** Memory for one Deployment: annotations merged with what this process remembers. */
  Memory memoryFor(Deployment deployment, Instant now) {
    String key = key(deployment);
    RollbackRecord last = RollbackAnnotations.lastRollback(deployment).orElse(null);
    RollbackRecord local = lastByDeployment.get(key);
    if (local != null && (last == null || local.time().isAfter(last.time()))) {
      last = local;
    }
    Set<String> from = new HashSet<>(RollbackAnnotations.rolledBackFrom(deployment));
    from.addAll(rolledBackFrom.getOrDefault(key, Set.of()));
    prune(now);
    return new Memory(last, from, List.copyOf(ledger));
  }

  /** Remembers a rollback (applied or dry-run). */
  void remember(Deployment deployment, RollbackRecord record) {
    String key = key(deployment);
    lastByDeployment.put(key, record);
    rolledBackFrom.computeIfAbsent(key, k -> new HashSet<>()).add(record.from().templateHash());
    ledger.addLast(record.time());
  }

  /** Seeds the hourly ledger from the last-rollback annotations of {@code deployments}. */
  void seed(Collection<Deployment> deployments, Instant now) {
    for (Deployment d : deployments) {
      RollbackAnnotations.lastRollback(d)
          .filter(r -> r.time().isAfter(now.minus(HOUR)))
          .filter(r -> !ledger.contains(r.time()))
          .ifPresent(r -> ledger.addLast(r.time()));
    }
    prune(now);
  }

  private void prune(Instant now) {
    Instant hourAgo = now.minus(HOUR);
    ledger.removeIf(t -> !t.isAfter(hourAgo));
  }

  private static String key(Deployment d) {
    return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
  }
}
