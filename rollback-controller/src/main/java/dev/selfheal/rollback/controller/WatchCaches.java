package dev.selfheal.rollback.controller;

import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link DeploymentWatcher}'s informers and their caches: opted-in Deployments, their
 * ReplicaSets and pods in the allowed namespaces. ReplicaSets and pods are indexed by their
 * controller's UID, so ownership lookups need no full scans. Every added or updated object is
 * reported as the {@code namespace/name} key of the Deployment it belongs to.
 */
final class WatchCaches {

  private static final Logger LOG = LoggerFactory.getLogger(WatchCaches.class);

  // Cache index from an object to its controller's UID: ownership lookups without full scans.
  private static final String OWNER_INDEX = "controller-uid";

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final List<SharedIndexInformer<Deployment>> deploymentInformers = new ArrayList<>();
  private final List<SharedIndexInformer<ReplicaSet>> replicaSetInformers = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> podInformers = new ArrayList<>();

  WatchCaches(KubernetesClient client, Set<String> namespaces) {
    this.client = Objects.requireNonNull(client);
    this.namespaces = Set.copyOf(namespaces);
  }

  /**
   * Starts the informers of every namespace.
   *
   * @param changed called with the {@code namespace/name} of a Deployment whose own object, one of
   *     its ReplicaSets or one of their pods was added or updated
   */
  void start(Consumer<String> changed) {
    for (String ns : namespaces) {
      SharedIndexInformer<Deployment> deployments =
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .withLabel(Revisions.OPT_IN_LABEL, "true")
              .runnableInformer(0);
      deployments.addEventHandler(handler(d -> changed.accept(key(d, d.getMetadata().getName()))));
      // Not inform(): it blocks until the first list and gives up for good when that fails.
      deploymentInformers.add(started(deployments, "deployments", ns));
      replicaSetInformers.add(
          started(
              indexed(
                  client.apps().replicaSets().inNamespace(ns).runnableInformer(0),
                  rs -> markOwner(rs, changed)),
              "replicasets",
              ns));
      podInformers.add(
          started(
              indexed(
                  client.pods().inNamespace(ns).runnableInformer(0), pod -> markPod(pod, changed)),
              "pods",
              ns));
    }
  }

  /** True once every informer has listed its resources. */
  boolean synced() {
    return deploymentInformers.stream().allMatch(SharedIndexInformer::hasSynced)
        && replicaSetInformers.stream().allMatch(SharedIndexInformer::hasSynced)
        && podInformers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Watched Deployments as currently cached. */
  Collection<Deployment> deployments() {
    return deploymentInformers.stream().flatMap(i -> i.getStore().list().stream()).toList();
  }

  /** The cached Deployment with this {@code namespace/name} key. */
  Optional<Deployment> deployment(String key) {
    return cached(deploymentInformers, key);
  }

  /** Cached ReplicaSets whose controller has this UID. */
  List<ReplicaSet> replicaSetsOwnedBy(String uid) {
    return byOwner(replicaSetInformers, uid);
  }

  /** Cached pods whose controller has this UID. */
  List<Pod> podsOwnedBy(String uid) {
    return byOwner(podInformers, uid);
  }

  /** Stops the informers and forgets them, so that {@link #start} can begin again. */
  void close() {
    deploymentInformers.forEach(SharedIndexInformer::close);
    replicaSetInformers.forEach(SharedIndexInformer::close);
    podInformers.forEach(SharedIndexInformer::close);
    deploymentInformers.clear();
    replicaSetInformers.clear();
    podInformers.clear();
  }

  /** Adds the owner index and the event handler to an informer. */
  private static <T extends HasMetadata> SharedIndexInformer<T> indexed(
      SharedIndexInformer<T> informer, Consumer<T> mark) {
    informer.addIndexers(Map.of(OWNER_INDEX, WatchCaches::controllerUid));
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

  private static <T> Optional<T> cached(List<SharedIndexInformer<T>> informers, String key) {
    return informers.stream()
        .map(i -> i.getStore().getByKey(key))
        .filter(Objects::nonNull)
        .findFirst();
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

  private static String key(HasMetadata obj, String deployment) {
    return obj.getMetadata().getNamespace() + "/" + deployment;
  }

  private static void markOwner(HasMetadata obj, Consumer<String> changed) {
    Revisions.controllerOf(obj.getMetadata().getOwnerReferences())
        .filter(ref -> "Deployment".equals(ref.getKind()))
        .ifPresent(ref -> changed.accept(key(obj, ref.getName())));
  }

  private void markPod(Pod pod, Consumer<String> changed) {
    Revisions.controllerOf(pod.getMetadata().getOwnerReferences())
        .filter(ref -> "ReplicaSet".equals(ref.getKind()))
        .flatMap(ref -> cached(replicaSetInformers, key(pod, ref.getName())))
        .ifPresent(rs -> markOwner(rs, changed));
  }
}
