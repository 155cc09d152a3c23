package dev.selfheal.rollback.decide;

/**
 * One revision of a Deployment as its ReplicaSet shows it.
 *
 * @param number value of {@code deployment.kubernetes.io/revision}
 * @param replicaSet ReplicaSet name
 * @param templateHash its {@code pod-template-hash} label (stable across the renumbering a rollback
 *     causes, so it is what the ping-pong memory stores)
 */
public record Revision(long number, String replicaSet, String templateHash) {}
