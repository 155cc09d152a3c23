package dev.selfheal.rollback.observe;

import dev.selfheal.rollback.decide.Reason;
import dev.selfheal.rollback.decide.Revisions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The "observe" step's reads from the API server: the Deployment, its ReplicaSets, and the way from
 * an alerting pod to its Deployment through the owner ReplicaSet.
 */
public final class ClusterReader {

  private final KubernetesClient client;
  private volatile Function<Deployment, Optional<List<ReplicaSet>>> replicaSetCache =
      d -> Optional.empty();

  /**
   * Creates a reader.
   *
   * @param client API client
   */
  public ClusterReader(KubernetesClient client) {
    this.client = Objects.requireNonNull(client);
  }

  /**
   * Lets {@link #replicaSets} answer from the watch's cache when it has one. The Deployment itself
   * is always read fresh: its resourceVersion is the precondition of the rollback patch.
   *
   * @param cache ReplicaSets owned by a Deployment, or empty when the cache cannot answer
   */
  public void useReplicaSetCache(Function<Deployment, Optional<List<ReplicaSet>>> cache) {
    this.replicaSetCache = Objects.requireNonNull(cache);
  }

  /**
   * ReplicaSets of a Deployment and where they come from.
   *
   * @param items the ReplicaSets
   * @param cached true when they come from the watch's cache, which may lag the API server
   */
  public record ReplicaSets(List<ReplicaSet> items, boolean cached) {

    /** Copies the list. */
    public ReplicaSets {
      items = List.copyOf(items);
    }
  }

  /** Where a pod belongs, or why it could not be resolved. */
  public record PodOwner(String deployment, String replicaSet, Reason problem) {}

  /**
   * What the cluster remembers of earlier rollbacks, read when an instance starts leading.
   *
   * @param replicaSets every ReplicaSet in the namespaces (bad-revision records)
   * @param deployments the opted-in Deployments (last-rollback records)
   * @param events the controller's {@code RolledBack} Events (they outlive deleted ReplicaSets)
   */
  public record History(
      List<ReplicaSet> replicaSets, List<Deployment> deployments, List<Event> events) {

    /** Copies the lists. */
    public History {
      replicaSets = List.copyOf(replicaSets);
      deployments = List.copyOf(deployments);
      events = List.copyOf(events);
    }
  }

  /**
   * Reads the rollback history of {@code namespaces} straight from the API server (never from a
   * cache that may not be synced yet).
   *
   * @param namespaces where to look
   * @param component the Events' reporting component
   * @param reason the Events' reason
   * @return the history
   */
  public History history(Set<String> namespaces, String component, String reason) {
    List<ReplicaSet> replicaSets = new ArrayList<>();
    List<Deployment> deployments = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    for (String ns : namespaces) {
      replicaSets.addAll(client.apps().replicaSets().inNamespace(ns).list().getItems());
      deployments.addAll(
          client
              .apps()
              .deployments()
              .inNamespace(ns)
              .withLabel(Revisions.OPT_IN_LABEL, "true")
              .list()
              .getItems());
      for (Event e : client.v1().events().inNamespace(ns).list().getItems()) {
        boolean ours =
            component.equals(e.getReportingComponent())
                || (e.getSource() != null && component.equals(e.getSource().getComponent()));
        if (ours && reason.equals(e.getReason())) {
          events.add(e);
        }
      }
    }
    return new History(replicaSets, deployments, events);
  }

  /** The Deployment, or null when it does not exist. */
  public Deployment deployment(String namespace, String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /**
   * ReplicaSets selected by the Deployment's selector (ownership is checked by the decider), from
   * the watch's cache when it has them.
   */
  public ReplicaSets replicaSets(Deployment deployment) {
    if (deployment.getSpec() == null || deployment.getSpec().getSelector() == null) {
      return new ReplicaSets(List.of(), false);
    }
    Optional<List<ReplicaSet>> cached = replicaSetCache.apply(deployment);
    return cached
        .map(list -> new ReplicaSets(list, true))
        .orElseGet(() -> new ReplicaSets(freshReplicaSets(deployment), false));
  }

  /**
   * ReplicaSets as listed by the API server now: what a decision to act, or one that a person's
   * change of a ReplicaSet can undo (a mark cleared a moment ago), is confirmed with.
   */
  public List<ReplicaSet> freshReplicaSets(Deployment deployment) {
    if (deployment.getSpec() == null || deployment.getSpec().getSelector() == null) {
      return List.of();
    }
    return client
        .apps()
        .replicaSets()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withLabelSelector(deployment.getSpec().getSelector())
        .list()
        .getItems();
  }

  /**
   * Resolves a pod to its Deployment through the controlling ReplicaSet.
   *
   * @param namespace namespace
   * @param podName pod name
   * @return the owner, or a {@link PodOwner} carrying the problem
   */
  public PodOwner ownerOfPod(String namespace, String podName) {
    Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
    if (pod == null) {
      return new PodOwner(null, null, Reason.POD_NOT_FOUND);
    }
    Optional<OwnerReference> rsRef =
        Revisions.controllerOf(pod.getMetadata().getOwnerReferences())
            .filter(ref -> "ReplicaSet".equals(ref.getKind()));
    if (rsRef.isEmpty()) {
      return new PodOwner(null, null, Reason.NOT_MANAGED_BY_DEPLOYMENT);
    }
    String rsName = rsRef.get().getName();
    ReplicaSet rs = client.apps().replicaSets().inNamespace(namespace).withName(rsName).get();
    if (rs == null) {
      return new PodOwner(null, rsName, Reason.NOT_MANAGED_BY_DEPLOYMENT);
    }
    Optional<OwnerReference> deployRef =
        Revisions.controllerOf(rs.getMetadata().getOwnerReferences())
            .filter(ref -> "Deployment".equals(ref.getKind()));
    return deployRef
        .map(ref -> new PodOwner(ref.getName(), rsName, null))
        .orElseGet(() -> new PodOwner(null, rsName, Reason.NOT_MANAGED_BY_DEPLOYMENT));
  }
}
