package dev.selfheal.rollback;

import dev.selfheal.rollback.decide.Revisions;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

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
    Map<String, String> labels = new HashMap<>(Map.of("app", NAME));
    if (optedIn) {
      labels.put(Revisions.OPT_IN_LABEL, "true");
    }
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(NAME)
        .withUid(UID)
        .withLabels(labels)
        .withAnnotations(
            new HashMap<>(Map.of(Revisions.REVISION_ANNOTATION, v.equals("v1") ? "1" : "2")))
        .endMetadata()
        .withNewSpec()
        .withReplicas(3)
        .withNewSelector()
        .withMatchLabels(Map.of("app", NAME))
        .endSelector()
        .withTemplate(template(v))
        .endSpec()
        .build();
  }

  /** A ReplicaSet of revision {@code revision} with {@code v}'s template. */
  public static ReplicaSet replicaSet(String v, long revision, Instant created) {
    String hash = v.equals("v1") ? HASH_V1 : HASH_V2;
    PodTemplateSpec t = template(v);
    Map<String, String> podLabels = new HashMap<>(t.getMetadata().getLabels());
    podLabels.put(Revisions.TEMPLATE_HASH_LABEL, hash);
    t.getMetadata().setLabels(podLabels);
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(NAME + "-" + hash)
        .withUid("rs-uid-" + hash)
        .withCreationTimestamp(created.toString())
        .withLabels(podLabels)
        .withAnnotations(Map.of(Revisions.REVISION_ANNOTATION, Long.toString(revision)))
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(NAME)
        .withUid(UID)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withReplicas(v.equals("v1") ? 0 : 3)
        .withNewSelector()
        .withMatchLabels(Map.of("app", NAME, Revisions.TEMPLATE_HASH_LABEL, hash))
        .endSelector()
        .withTemplate(t)
        .endSpec()
        .build();
  }

  /** A pod of {@code rs}, ready or not, with {@code restarts} restarts. */
  public static Pod pod(ReplicaSet rs, String suffix, int restarts) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .withName(rs.getMetadata().getName() + "-" + suffix)
        .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
        .withCreationTimestamp(rs.getMetadata().getCreationTimestamp())
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(rs.getMetadata().getName())
        .withUid(rs.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .withContainers(rs.getSpec().getTemplate().getSpec().getContainers())
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withStartTime(rs.getMetadata().getCreationTimestamp())
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime(rs.getMetadata().getCreationTimestamp())
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastTransitionTime(rs.getMetadata().getCreationTimestamp())
        .endCondition()
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName(NAME)
                .withReady(true)
                .withStarted(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt(rs.getMetadata().getCreationTimestamp())
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
