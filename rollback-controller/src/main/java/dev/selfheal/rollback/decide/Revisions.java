package dev.selfheal.rollback.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Helpers that read revision facts off ReplicaSets the way the Deployment controller does. */
public final class Revisions {

  /** Revision annotation the Deployment controller writes on ReplicaSets and Deployments. */
  public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  /** Label the Deployment controller adds to each ReplicaSet's template and selector. */
  public static final String TEMPLATE_HASH_LABEL = "pod-template-hash";

  /** The mark the controller leaves on a ReplicaSet it rolled back from. */
  public static final String BAD_REVISION_ANNOTATION = "rollback.selfheal.dev/bad-revision";

  /** Opt-in label on Deployments. */
  public static final String OPT_IN_LABEL = "rollback.selfheal.dev/enabled";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Revisions() {}

  /** The ReplicaSet's revision number, empty when the annotation is missing or not a number. */
  public static OptionalLong revisionOf(ReplicaSet rs) {
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    String raw = annotations == null ? null : annotations.get(REVISION_ANNOTATION);
    if (raw == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(raw.strip()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The ReplicaSet's template hash, falling back to its name when the label is missing. */
  public static String templateHashOf(ReplicaSet rs) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    String hash = labels == null ? null : labels.get(TEMPLATE_HASH_LABEL);
    return hash != null ? hash : rs.getMetadata().getName();
  }

  /** Describes a ReplicaSet as a revision (number 0 when unknown). */
  public static Revision describe(ReplicaSet rs) {
    return new Revision(revisionOf(rs).orElse(0), rs.getMetadata().getName(), templateHashOf(rs));
  }

  /** True when the Deployment carries the opt-in label with value "true". */
  public static boolean optedIn(Deployment deployment) {
    Map<String, String> labels = deployment.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(OPT_IN_LABEL));
  }

  /** True when {@code rs} is controlled by {@code deployment} (by UID, else by name). */
  public static boolean ownedBy(ReplicaSet rs, Deployment deployment) {
    return controllerOf(rs.getMetadata().getOwnerReferences())
        .filter(ref -> "Deployment".equals(ref.getKind()))
        .filter(
            ref -> {
              String uid = deployment.getMetadata().getUid();
              return uid != null
                  ? uid.equals(ref.getUid())
                  : Objects.equals(ref.getName(), deployment.getMetadata().getName());
            })
        .isPresent();
  }

  /** The controlling owner reference among {@code refs}, if any. */
  public static Optional<OwnerReference> controllerOf(List<OwnerReference> refs) {
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(ref -> Boolean.TRUE.equals(ref.getController())).findFirst();
  }

  /**
   * The pod template as JSON without the {@code pod-template-hash} label: what {@code kubectl
   * rollout undo} writes back onto the Deployment.
   */
  public static ObjectNode templateWithoutHash(PodTemplateSpec template) {
    ObjectNode node = JSON.valueToTree(template);
    JsonNode labels = node.path("metadata").path("labels");
    if (labels instanceof ObjectNode labelNode) {
      labelNode.remove(TEMPLATE_HASH_LABEL);
    }
    return node;
  }

  /** True when both templates are equal apart from the {@code pod-template-hash} label. */
  public static boolean sameTemplate(PodTemplateSpec a, PodTemplateSpec b) {
    if (a == null || b == null) {
      return false;
    }
    return templateWithoutHash(a).equals(templateWithoutHash(b));
  }
}
