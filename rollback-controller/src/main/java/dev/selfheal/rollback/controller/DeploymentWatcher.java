package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.observe.RolloutHealth;
import dev.selfheal.runtime.health.Progress;
import dev.selfheal.runtime.lifecycle.Threads;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second trigger: informers on opted-in Deployments, their ReplicaSets and pods in the allowed
 * namespaces ({@link WatchCaches}). Any change marks the Deployment dirty; a single worker thread
 * assesses dirty Deployments promptly and every Deployment once per resync period (the unready rule
 * depends on time passing, not only on events). A detected failure goes to the {@link Reconciler},
 * which reads fresh state before it decides.
 *
 * <p>The worker beats a {@link Progress} on every round and after every assessed Deployment, so
 * liveness fails when it is stuck in one item (or died) past the stall threshold; waiting for work
 * beats too, and while the watch does not run (not leading) the progress is idle.
 */
public final class DeploymentWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatcher.class);

  private final Set<String> namespaces;
  private final RolloutHealth health;
  private final Reconciler reconciler;
  private final Duration resync;
  private final Clock clock;
  private final WatchCaches caches;
  private final Progress progress;
  // Guards running with the progress, so a round still ending after close() cannot un-idle it.
  private final Object beatLock = new Object();
  private boolean running;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService worker;

  /**
   * Creates a watcher; {@link #start()} begins watching.
   *
   * @param client API client
   * @param namespaces namespaces to watch
   * @param health failure detection
   * @param reconciler where failures go
   * @param resync periodic re-assessment
   * @param clock time source
   * @param progress what the worker beats; idle until {@link #start()}
   */
  public DeploymentWatcher(
      KubernetesClient client,
      Set<String> namespaces,
      RolloutHealth health,
      Reconciler reconciler,
      Duration resync,
      Clock clock,
      Progress progress) {
    this.namespaces = Set.copyOf(namespaces);
    this.caches = new WatchCaches(client, this.namespaces);
    this.health = Objects.requireNonNull(health);
    this.reconciler = Objects.requireNonNull(reconciler);
    this.resync = Objects.requireNonNull(resync);
    this.clock = Objects.requireNonNull(clock);
    this.progress = Objects.requireNonNull(progress);
    progress.idle();
  }

  /** Starts the informers and the worker. */
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    caches.start(dirty::add);
    synchronized (beatLock) {
      running = true;
      progress.beat();
    }
    worker = Executors.newSingleThreadScheduledExecutor(Threads.single("rollout-watch"));
    worker.scheduleWithFixedDelay(this::drainDirty, 200, 200, TimeUnit.MILLISECONDS);
    worker.scheduleWithFixedDelay(
        this::assessAll, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("Watching opted-in Deployments in namespaces {}", namespaces);
  }

  /** True once every informer has listed its resources. */
  public boolean synced() {
    return worker != null && caches.synced();
  }

  /** Watched Deployments as currently cached. */
  public Collection<Deployment> deployments() {
    return caches.deployments();
  }

  /**
   * ReplicaSets controlled by {@code deployment}, from the watch cache; empty while the cache is
   * not synced (callers then ask the API server).
   */
  public Optional<List<ReplicaSet>> cachedReplicaSets(Deployment deployment) {
    String uid = deployment.getMetadata().getUid();
    if (uid == null || !synced()) {
      return Optional.empty();
    }
    return Optional.of(caches.replicaSetsOwnedBy(uid));
  }

  /** Stops the informers and the worker. */
  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.shutdownNow();
      worker = null;
    }
    synchronized (beatLock) {
      running = false;
      progress.idle();
    }
    caches.close();
  }

  private void drainDirty() {
    // A round with nothing to do is progress too: the worker is alive and waiting.
    beat();
    List<String> keys = new ArrayList<>(dirty);
    dirty.removeAll(keys);
    for (String key : keys) {
      caches.deployment(key).ifPresent(this::assessAndBeat);
    }
  }

  private void assessAll() {
    beat();
    deployments().forEach(this::assessAndBeat);
  }

  private void assessAndBeat(Deployment deployment) {
    assess(deployment);
    beat();
  }

  private void beat() {
    synchronized (beatLock) {
      if (running) {
        progress.beat();
      }
    }
  }

  private void assess(Deployment deployment) {
    try {
      if (!reconciler.leading()) {
        return;
      }
      String ns = deployment.getMetadata().getNamespace();
      String uid = deployment.getMetadata().getUid();
      if (uid == null) {
        return;
      }
      ReplicaSet current =
          caches.replicaSetsOwnedBy(uid).stream()
              .filter(
                  rs ->
                      Revisions.sameTemplate(
                          deployment.getSpec().getTemplate(), rs.getSpec().getTemplate()))
              .max(Comparator.comparingLong(rs -> Revisions.revisionOf(rs).orElse(0)))
              .orElse(null);
      List<Pod> pods =
          current == null || current.getMetadata().getUid() == null
              ? List.of()
              : caches.podsOwnedBy(current.getMetadata().getUid());
      health
          .assess(deployment, current, pods, clock.instant())
          .ifPresent(
              failure ->
                  reconciler.handle(
                      Trigger.rolloutFailed(
                          failure.reason(),
                          ns,
                          deployment.getMetadata().getName(),
                          failure.replicaSet()),
                      System.nanoTime()));
    } catch (RuntimeException e) {
      // Keep the worker alive: one bad object must not stop the watch for all others.
      LOG.warn(
          "Assessing {}/{} failed: {}",
          deployment.getMetadata().getNamespace(),
          deployment.getMetadata().getName(),
          e.toString());
    }
  }
}
