package dev.selfheal.rollback;

import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.testsupport.k8s.Workloads;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/** Test objects: the lab's model-server Deployment with a v1 and a v2 revision. */
public final class Fixtures {

  public static final String NS = "default";
  public static final String NAME = "model-server";
  public static final String UID = "9d2b1c1e-0000-4000-8000-000000000001";
  public static final String HASH_V1 = "5d8f7c9b4d";
  public static final String HASH_V2 = "7b6c5d4e3f";
  public static final String RS_V1 = NAME + "-" + HASH_V1;
  public static final String RS_V2 = NAME + "-" + HASH_V2;

  private Fixtures() {}

  /** The pod template of version {@code v} ("v1" or "v2"), without the hash label. */
  public static PodTemplateSpec template(String v) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Map.of("app", NAME, "version", v))
        .withAnnotations(Map.of("prometheus.io/scrape", "true"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(NAME)
        .withImage("model-server:" + v)
        .withImagePullPolicy("Never")
        .addNewEnv()
        .withName("MODEL_VERSION")
        .withValue(v + ".0")
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  /** The Deployment, opted in, currently at {@code v}'s template. */
  public static Deployment deployment(String v, boolean optedIn) {
    return Workloads.deployment(NS, NAME)
        .uid(UID)
        .optedIn(optedIn)
        .revision(v.equals("v1") ? 1 : 2)
        .replicas(3)
        .template(template(v))
        .build();
  }

  /** A ReplicaSet of revision {@code revision} with {@code v}'s template. */
  public static ReplicaSet replicaSet(String v, long revision, Instant created) {
    String hash = v.equals("v1") ? HASH_V1 : HASH_V2;
    return Workloads.replicaSet(NS, NAME, UID)
        .template(template(v))
        .hash(hash)
        .revision(revision)
        .replicas(v.equals("v1") ? 0 : 3)
        .uid("rs-uid-" + hash)
        .created(created)
        .build();
  }

  /**
   * Creates the opted-in Deployment at v2 and its v1 (revision 1) and v2 (revision 2) ReplicaSets,
   * created at {@code created}, owned by the uid the server assigned.
   *
   * @return the Deployment as first stored
   */
  public static Deployment seed(KubernetesClient client, Instant created) {
    Deployment d = client.resource(deployment("v2", true)).create();
    for (String v : new String[] {"v1", "v2"}) {
      ReplicaSet rs = replicaSet(v, v.equals("v1") ? 1 : 2, created);
      rs.getMetadata().getOwnerReferences().get(0).setUid(d.getMetadata().getUid());
      client.resource(rs).create();
    }
    return d;
  }

  /** Edits the Deployment in the API server ({@code kubectl edit}); {@code edit} returns it. */
  public static void editDeployment(KubernetesClient client, UnaryOperator<Deployment> edit) {
    client.apps().deployments().inNamespace(NS).withName(NAME).edit(edit);
  }

  /** Edits ReplicaSet {@code name} in the API server; {@code edit} returns it. */
  public static void editReplicaSet(
      KubernetesClient client, String name, UnaryOperator<ReplicaSet> edit) {
    client.apps().replicaSets().inNamespace(NS).withName(name).edit(edit);
  }

  /** The image of the first container of the Deployment in {@code namespace}, as stored. */
  public static String image(KubernetesClient client, String namespace) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(NAME)
        .get()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  /**
   * The decider's policy of the table tests: the lab's namespace and model alerts, a 10-minute
   * rollout window, 3 rollbacks an hour, 2 revisions back at most, 15 minutes' cool-down, no dry
   * run.
   */
  public static final RollbackPolicy POLICY =
      new RollbackPolicy(
          Set.of(NS),
          Set.of("ModelAccuracyLow", "ModelDegraded"),
          Duration.ofMinutes(10),
          3,
          2,
          Duration.ofMinutes(15),
          false);

  /** A pod of {@code rs}, ready or not, with {@code restarts} restarts. */
  public static Pod pod(ReplicaSet rs, String suffix, int restarts) {
    String created = rs.getMetadata().getCreationTimestamp();
    return new PodBuilder(Workloads.pod(rs, rs.getMetadata().getName() + "-" + suffix))
        .editMetadata()
        .withCreationTimestamp(created)
        .endMetadata()
        .editSpec()
        .withNodeName("node-1")
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withStartTime(created)
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime(created)
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime(created)
        .endCondition()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(NAME)
                .withReady(true)
                .withStarted(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt(created)
                .endRunning()
                .endState()
                .withRestartCount(restarts)
                .build())
        .endStatus()
        .build();
  }

  /**
   * Sets the Deployment's Progressing condition as the Deployment controller writes it: {@code
   * reason} about {@code replicaSet}, last updated at {@code updated}; the transition time is kept
   * from long before, as the controller keeps it while the status stays True. For {@code
   * ReplicaSetUpdated} the status is that of a rollout half-way (6 pods, 3 of the new template).
   */
  public static void progressing(Deployment d, String reason, Instant updated, String replicaSet) {
    boolean midRollout =
        reason.equals("ReplicaSetUpdated") || reason.equals("ProgressDeadlineExceeded");
    String message =
        switch (reason) {
          case "FoundNewReplicaSet" -> "Found new replica set \"" + replicaSet + "\"";
          case "NewReplicaSetCreated" -> "Created new replica set \"" + replicaSet + "\"";
          case "NewReplicaSetAvailable" ->
              "ReplicaSet \"" + replicaSet + "\" has successfully progressed.";
          default -> "ReplicaSet \"" + replicaSet + "\" is progressing.";
        };
    d.setStatus(
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            // Mid-rollout for the reasons a scale writes too: pods of the old template still run.
            .withReplicas(midRollout ? 6 : 3)
            .withUpdatedReplicas(3)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Progressing")
                    .withStatus("True")
                    .withReason(reason)
                    .withMessage(message)
                    .withLastTransitionTime(updated.minus(Duration.ofDays(60)).toString())
                    .withLastUpdateTime(updated.toString())
                    .build())
            .build());
  }
}
