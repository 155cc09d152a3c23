package dev.selfheal.testsupport.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deployments, ReplicaSets and pods as the Deployment controller leaves them: the revision
 * annotation, the {@code pod-template-hash} label on the ReplicaSet, its selector and its pods, the
 * owner references, and the rollback controller's opt-in label.
 */
public final class Workloads {

  /** The annotation the Deployment controller numbers revisions with. */
  public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  /** The label that tells a ReplicaSet's (and its pods') template apart. */
  public static final String TEMPLATE_HASH_LABEL = "pod-template-hash";

  /** The label by which a Deployment opts in to automated rollback. */
  public static final String OPT_IN_LABEL = "rollback.selfheal.dev/enabled";

  private Workloads() {}

  /** A copy of {@code annotations} (none: null) with the revision annotation set to {@code n}. */
  public static Map<String, String> withRevision(Map<String, String> annotations, long n) {
    Map<String, String> copy =
        annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations);
    copy.put(REVISION_ANNOTATION, Long.toString(n));
    return copy;
  }

  /**
   * A Deployment whose selector and label are {@code app: name}.
   *
   * @param namespace its namespace
   * @param name its name
   */
  public static DeploymentSpec deployment(String namespace, String name) {
    return new DeploymentSpec(namespace, name);
  }

  /**
   * A ReplicaSet owned (as controller) by Deployment {@code deployment}, named {@code
   * deployment-hash}, selecting {@code app: deployment} and its hash.
   *
   * @param namespace its namespace
   * @param deployment the owning Deployment's name
   * @param deploymentUid the owning Deployment's uid
   */
  public static ReplicaSetSpec replicaSet(
      String namespace, String deployment, String deploymentUid) {
    return new ReplicaSetSpec(namespace, deployment, deploymentUid);
  }

  /**
   * A pod of {@code rs} named {@code name}: its template's labels and spec, owned by {@code rs}.
   * Without status; tests that need one add it with {@code new PodBuilder(pod)}.
   */
  public static Pod pod(ReplicaSet rs, String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(rs.getMetadata().getNamespace())
        .withName(name)
        .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName(rs.getMetadata().getName())
        .withUid(rs.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withSpec(rs.getSpec().getTemplate().getSpec())
        .build();
  }

  /** Builder of a Deployment; see {@link Workloads#deployment}. */
  public static final class DeploymentSpec {
    private final String namespace;
    private final String name;
    private String uid;
    private boolean optedIn;
    private long revision = -1;
    private int replicas = 1;
    private PodTemplateSpec template;

    private DeploymentSpec(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    /** Its uid (default: none, as before the API server assigns one). */
    public DeploymentSpec uid(String uid) {
      this.uid = uid;
      return this;
    }

    /** Whether it carries the opt-in label {@code rollback.selfheal.dev/enabled: "true"}. */
    public DeploymentSpec optedIn(boolean optedIn) {
      this.optedIn = optedIn;
      return this;
    }

    /** Its revision annotation (default: none). */
    public DeploymentSpec revision(long revision) {
      this.revision = revision;
      return this;
    }

    /** Its replica count (default 1). */
    public DeploymentSpec replicas(int replicas) {
      this.replicas = replicas;
      return this;
    }

    /** Its pod template (required). */
    public DeploymentSpec template(PodTemplateSpec template) {
      this.template = template;
      return this;
    }

    /** The Deployment; its label and annotation maps are mutable. */
    public Deployment build() {
      if (template == null) {
        throw new IllegalStateException("template is required");
      }
      Map<String, String> labels = new LinkedHashMap<>(Map.of("app", name));
      if (optedIn) {
        labels.put(OPT_IN_LABEL, "true");
      }
      return new DeploymentBuilder()
          .withNewMetadata()
          .withNamespace(namespace)
          .withName(name)
          .withUid(uid)
          .withLabels(labels)
          .withAnnotations(revision < 0 ? new LinkedHashMap<>() : withRevision(null, revision))
          .endMetadata()
          .withNewSpec()
          .withReplicas(replicas)
          .withNewSelector()
          .withMatchLabels(Map.of("app", name))
          .endSelector()
          .withTemplate(template)
          .endSpec()
          .build();
    }
  }

  /** Builder of a ReplicaSet; see {@link Workloads#replicaSet}. */
  public static final class ReplicaSetSpec {
    private final String namespace;
    private final String deployment;
    private final String deploymentUid;
    private PodTemplateSpec template;
    private String hash;
    private long revision = -1;
    private Map<String, String> annotations = Map.of();
    private int replicas;
    private String uid;
    private Instant created;

    private ReplicaSetSpec(String namespace, String deployment, String deploymentUid) {
      this.namespace = namespace;
      this.deployment = deployment;
      this.deploymentUid = deploymentUid;
    }

    /** The release's pod template (required; copied, with the hash label added). */
    public ReplicaSetSpec template(PodTemplateSpec template) {
      this.template = template;
      return this;
    }

    /** Its {@code pod-template-hash} (required). */
    public ReplicaSetSpec hash(String hash) {
      this.hash = hash;
      return this;
    }

    /** Its revision annotation (required). */
    public ReplicaSetSpec revision(long revision) {
      this.revision = revision;
      return this;
    }

    /** Annotations it carries besides the revision (the release's, such as change-cause). */
    public ReplicaSetSpec annotations(Map<String, String> annotations) {
      this.annotations = annotations;
      return this;
    }

    /** Its replica count (default 0: an old revision, scaled down). */
    public ReplicaSetSpec replicas(int replicas) {
      this.replicas = replicas;
      return this;
    }

    /** Its uid (default: none). */
    public ReplicaSetSpec uid(String uid) {
      this.uid = uid;
      return this;
    }

    /** Its creation time (default: none). */
    public ReplicaSetSpec created(Instant created) {
      this.created = created;
      return this;
    }

    /** The ReplicaSet; its labels (shared with its template) and annotations are mutable. */
    public ReplicaSet build() {
      if (template == null || hash == null || revision < 0) {
        throw new IllegalStateException("template, hash and revision are required");
      }
      PodTemplateSpec withHash = new PodTemplateSpecBuilder(template).build();
      Map<String, String> labels = new LinkedHashMap<>(withHash.getMetadata().getLabels());
      labels.put(TEMPLATE_HASH_LABEL, hash);
      withHash.getMetadata().setLabels(labels);
      return new ReplicaSetBuilder()
          .withNewMetadata()
          .withNamespace(namespace)
          .withName(deployment + "-" + hash)
          .withUid(uid)
          .withCreationTimestamp(created == null ? null : created.toString())
          .withLabels(labels)
          .withAnnotations(withRevision(annotations, revision))
          .addNewOwnerReference()
          .withApiVersion("apps/v1")
          .withKind("Deployment")
          .withName(deployment)
          .withUid(deploymentUid)
          .withController(true)
          .endOwnerReference()
          .endMetadata()
          .withNewSpec()
          .withReplicas(replicas)
          .withNewSelector()
          .withMatchLabels(Map.of("app", deployment, TEMPLATE_HASH_LABEL, hash))
          .endSelector()
          .withTemplate(withHash)
          .endSpec()
          .build();
    }
  }
}
