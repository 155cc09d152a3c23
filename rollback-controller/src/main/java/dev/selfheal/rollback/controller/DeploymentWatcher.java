package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.observe.RolloutHealth;
import dev.selfheal.runtime.lifecycle.Threads;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second trigger: informers on opted-in Deployments, their ReplicaSets and pods in the allowed
 * namespaces. Any change marks the Deployment dirty; a single worker thread assesses dirty
 * Deployments promptly and every Deployment once per resync period (the unready rule depends on
 * time passing, not only on events). A detected failure goes to the {@link Reconciler}, which reads
 * fresh state before it decides.
 */
public final class DeploymentWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatcher.class);

  // Cache index from an object to its controller's UID: ownership lookups without full scans.
  private static final String OWNER_INDEX = "controller-uid";

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final RolloutHealth health;
  private final Reconciler reconciler;
  private final Duration resync;
  private final Clock clock;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final List<SharedIndexInformer<Deployment>> deploymentInformers = new ArrayList<>();
  private final List<SharedIndexInformer<ReplicaSet>> replicaSetInformers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> podInformers = new ArrayList<>();
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
   */
  public DeploymentWatcher(
      KubernetesClient client,
      Set<String> namespaces,
      RolloutHealth health,
      Reconciler reconciler,
      Duration resync,
      Clock clock) {
    this.client = Objects.requireNonNull(client);
    this.namespaces = Set.copyOf(namespaces);
    this.health = Objects.requireNonNull(health);
    this.reconciler = Objects.requireNonNull(reconciler);
    this.resync = Objects.requireNonNull(resync);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Starts the informers and the worker. */
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    for (String ns : namespaces) {
      SharedIndexInformer<Deployment> deployments =
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .withLabel(Revisions.OPT_IN_LABEL, "true")
              .runnableInformer(0);
      deployments.addEventHandler(handler(this::markDeployment));
      // Not inform(): it blocks until the first list and gives up for good when that fails.
      deploymentInformers.add(started(deployments, "deployments", ns));
      replicaSetInformers.add(
          started(
              indexed(
                  client.apps().replicaSets().inNamespace(ns).runnableInformer(0), this::markOwner),
              "replicasets",
              ns));
      podInformers.add(
          started(
              indexed(client.pods().inNamespace(ns).runnableInformer(0), this::markPod),
              "pods",
              ns));
    }
    worker = Executors.newSingleThreadScheduledExecutor(Threads.single("rollout-watch"));
    worker.scheduleWithFixedDelay(this::drainDirty, 200, 200, TimeUnit.MILLISECONDS);
    worker.scheduleWithFixedDelay(
        this::assessAll, resync.toMillis(), resync.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("Watching opted-in Deployments in namespaces {}", namespaces);
  }

  /** True once every informer has listed its resources. */
  public boolean synced() {
    return worker != null
        && deploymentInformers.stream().allMatch(SharedIndexInformer::hasSynced)
        && replicaSetInformers.stream().allMatch(SharedIndexInformer::hasSynced)
        && podInformers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Watched Deployments as currently cached. */
  public Collection<Deployment> deployments() {
    return deploymentInformers.stream().flatMap(i -> i.getStore().list().stream()).toList();
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
    return Optional.of(byOwner(replicaSetInformers, uid));
  }

  /** Adds the owner index and the event handler to an informer. */
  private static <T extends HasMetadata> SharedIndexInformer<T> indexed(
      SharedIndexInformer<T> informer, Consumer<T> mark) {
    informer.addIndexers(Map.of(OWNER_INDEX, DeploymentWatcher::controllerUid));
    informer.addEventHandler(handler(mark));
    return informer;
  }

  /**
   * Starts an informer that keeps retrying (with the informer's own backoff) while the API server
   * cannot be reached, logging one line per failed attempt: by default a failed first list stops it
   * for good, and the watch would never sync.
   */
  private static <T extends HasMetadata> SharedIndexInformer<T> started(
      SharedIndexInformer<T> informer, String resource, String ns) {
    informer.exceptionHandler(
        (wasStarted, error) -> {
          LOG.warn(
              "Watch of {} in {} failed: {}; retrying",
              resource,
              ns,
              LogSafe.clean(String.valueOf(error.getMessage())));
          return true;
        });
    informer.start();
    return informer;
  }

  private static <T extends HasMetadata> List<String> controllerUid(T obj) {
    return Revisions.controllerOf(obj.getMetadata().getOwnerReferences())
        .map(ref -> ref.getUid() == null ? List.<String>of() : List.of(ref.getUid()))
        .orElse(List.of());
  }

  private static <T> List<T> byOwner(List<SharedIndexInformer<T>> informers, String uid) {
    List<T> result = new ArrayList<>();
    for (SharedIndexInformer<T> informer : informers) {
      result.addAll(informer.getIndexer().byIndex(OWNER_INDEX, uid));
    }
    return result;
  }

  /** Stops the informers and the worker. */
  @Override
  public synchronized void close() {
    if (worker != null) {
      worker.shutdownNow();
      worker = null;
    }
    deploymentInformers.forEach(SharedIndexInformer::close);
    replicaSetInformers.forEach(SharedIndexInformer::close);
    podInformers.forEach(SharedIndexInformer::close);
    deploymentInformers.clear();
    replicaSetInformers.clear();
    podInformers.clear();
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> mark) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        mark.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        mark.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        // Nothing to roll back for a deleted object.
      }
    };
  }

  private void markDeployment(Deployment d) {
    dirty.add(d.getMetadata().getNamespace() + "/" + d.getMetadata().getName());
  }

  private void markOwner(HasMetadata obj) {
    Revisions.controllerOf(obj.getMetadata().getOwnerReferences())
        .filter(ref -> "Deployment".equals(ref.getKind()))
        .ifPresent(ref -> dirty.add(obj.getMetadata().getNamespace() + "/" + ref.getName()));
  }

  private void markPod(Pod pod) {
    Revisions.controllerOf(pod.getMetadata().getOwnerReferences())
        .filter(ref -> "ReplicaSet".equals(ref.getKind()))
        .flatMap(ref -> cachedReplicaSet(pod.getMetadata().getNamespace(), ref.getName()))
        .ifPresent(this::markOwner);
  }

  private Optional<ReplicaSet> cachedReplicaSet(String ns, String name) {
    return replicaSetInformers.stream()
        .map(i -> i.getStore().getByKey(ns + "/" + name))
        .filter(Objects::nonNull)
        .findFirst();
  }

  private void drainDirty() {
    List<String> keys = new ArrayList<>(dirty);
    dirty.removeAll(keys);
    for (String key : keys) {
      deploymentInformers.stream()
          .map(i -> i.getStore().getByKey(key))
          .filter(Objects::nonNull)
          .findFirst()
          .ifPresent(this::assess);
    }
  }

  private void assessAll() {
    deployments().forEach(this::assess);
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
          byOwner(replicaSetInformers, uid).stream()
              .filter(
                  rs ->
                      Revisions.sameTemplate(
                          deployment.getSpec().getTemplate(), rs.getSpec().getTemplate()))
              .max(Comparator.comparingLong(rs -> Revisions.revisionOf(rs).orElse(0)))
              .orElse(null);
      List<Pod> pods =
          current == null || current.getMetadata().getUid() == null
              ? List.of()
              : byOwner(podInformers, current.getMetadata().getUid());
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
