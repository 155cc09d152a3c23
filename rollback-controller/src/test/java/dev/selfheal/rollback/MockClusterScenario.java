package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NAME;
import static dev.selfheal.rollback.Fixtures.NS;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.rollback.act.KubectlUndo;
import dev.selfheal.rollback.act.RollbackAnnotations;
import dev.selfheal.rollback.decide.Revisions;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Scenarios of the controller next to people and GitOps against fabric8's mock API server in CRUD
 * mode: the lab's model-server Deployment and its ReplicaSets, the controller started on it, and a
 * {@link #settle()} that plays the part of the Deployment controller these scenarios need
 * (including its copy of the Deployment's annotations onto the current ReplicaSet). Subclasses
 * carry {@code @EnableKubernetesMockClient(crud = true)}.
 */
public abstract class MockClusterScenario {

  protected static final String HASH_V3 = "9c8b7a6d5f";
  protected static final String AUTH = "Bearer " + Webhooks.TOKEN;

  protected KubernetesClient client;
  protected ControllerApp app;
  protected String uid;

  protected void stopApp() {
    if (app != null) {
      app.close();
      app = null;
    }
  }

  /** model-server at v2 (revision 2, created {@code v2Age} ago) with v1 (revision 1) before it. */
  protected void seed(Duration v2Age) {
    // (the CRUD mock stamps creationTimestamp itself, so v2Age only affects the fixture)
    Deployment d = client.resource(Fixtures.deployment("v2", true)).create();
    uid = d.getMetadata().getUid();
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, Instant.now().minus(Duration.ofDays(1)));
    v1.getMetadata().setAnnotations(new HashMap<>(v1.getMetadata().getAnnotations()));
    v1.getMetadata().getAnnotations().put("kubernetes.io/change-cause", "release v1");
    v1.getMetadata().getOwnerReferences().get(0).setUid(uid);
    client.resource(v1).create();
    ReplicaSet v2 = Fixtures.replicaSet("v2", 2, Instant.now().minus(v2Age));
    v2.getMetadata().getOwnerReferences().get(0).setUid(uid);
    ReplicaSet created = client.resource(v2).create();
    client.resource(Fixtures.pod(created, "abcde", 0)).create();
  }

  protected void seed() {
    seed(Duration.ZERO);
  }

  /** A second opted-in Deployment, "other", at v2 with v1 before it (no pods). */
  protected void seedOther(Consumer<Deployment> tweak) {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setName("other");
    tweak.accept(d);
    String otherUid = client.resource(d).create().getMetadata().getUid();
    for (String v : List.of("v1", "v2")) {
      ReplicaSet rs =
          Fixtures.replicaSet(v, v.equals("v1") ? 1 : 2, Instant.now().minusSeconds(60));
      rs.getMetadata()
          .setName("other-" + rs.getMetadata().getLabels().get(Revisions.TEMPLATE_HASH_LABEL));
      rs.getMetadata().setUid("other-" + rs.getMetadata().getUid());
      rs.getMetadata().getOwnerReferences().get(0).setName("other");
      rs.getMetadata().getOwnerReferences().get(0).setUid(otherUid);
      client.resource(rs).create();
    }
  }

  protected void start(Map<String, String> env) throws Exception {
    start(env, Clock.systemUTC());
  }

  protected void start(Map<String, String> env, Clock clock) throws Exception {
    app =
        ControllerApp.start(TestConfigs.config(env), client, new PrometheusRegistry(), clock, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> app.leading() && app.watchSynced());
  }

  protected void restart(Map<String, String> env) throws Exception {
    stopApp();
    start(env);
  }

  protected Deployment deployment() {
    return client.apps().deployments().inNamespace(NS).withName(NAME).get();
  }

  protected ReplicaSet replicaSet(String name) {
    return client.apps().replicaSets().inNamespace(NS).withName(name).get();
  }

  protected String image() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  protected List<Event> events(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  protected String alert(String hash) throws Exception {
    return alert(hash, Instant.now());
  }

  protected String alert(String hash, Instant startsAt) throws Exception {
    return Webhooks.post(app.port(), Webhooks.firing(startsAt, hash), AUTH).body();
  }

  protected String alertAbout(String deployment, String hash) throws Exception {
    String body =
        AlertWebhook.firing("ModelDegraded").in(NS).deployment(deployment).hash(hash).json();
    return Webhooks.post(app.port(), body, AUTH).body();
  }

  protected void annotateDeployment(String key, String value) {
    Fixtures.editDeployment(
        client,
        d -> {
          Map<String, String> a = new HashMap<>(d.getMetadata().getAnnotations());
          if (value == null) {
            a.remove(key);
          } else {
            a.put(key, value);
          }
          d.getMetadata().setAnnotations(a);
          return d;
        });
  }

  /** {@code kubectl annotate rs <name> rollback.selfheal.dev/bad-revision-}. */
  protected void clearMark(String replicaSet) {
    Fixtures.editReplicaSet(
        client,
        replicaSet,
        rs -> {
          Map<String, String> a = new HashMap<>(rs.getMetadata().getAnnotations());
          a.remove(RollbackAnnotations.BAD_REVISION);
          rs.getMetadata().setAnnotations(a);
          return rs;
        });
  }

  /**
   * What the Deployment controller would do next: the ReplicaSet whose template equals the
   * Deployment's becomes the newest revision (a new one, hash {@link #HASH_V3}, is created for a
   * new template), the Deployment's revision annotation follows, and the Deployment's annotations
   * are copied onto that ReplicaSet (copyDeploymentAnnotationsToReplicaSet).
   */
  protected void settle() {
    Deployment d = deployment();
    List<ReplicaSet> owned =
        client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
            .filter(rs -> Revisions.ownedBy(rs, d))
            .toList();
    long max = owned.stream().mapToLong(rs -> Revisions.revisionOf(rs).orElse(0)).max().orElse(0);
    ReplicaSet current =
        owned.stream()
            .filter(
                rs -> Revisions.sameTemplate(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
            .findFirst()
            .orElse(null);
    long revision;
    String currentName;
    if (current == null) {
      String v = d.getSpec().getTemplate().getMetadata().getLabels().get("version");
      ReplicaSet created = Fixtures.replicaSet("v2", max + 1, Instant.now());
      created.getMetadata().setName(NAME + "-" + HASH_V3);
      created.getMetadata().setUid("rs-uid-" + v);
      created.getMetadata().getOwnerReferences().get(0).setUid(uid);
      PodTemplateSpec t =
          new ObjectMapper().convertValue(d.getSpec().getTemplate(), PodTemplateSpec.class);
      Map<String, String> labels = new HashMap<>(t.getMetadata().getLabels());
      labels.put(Revisions.TEMPLATE_HASH_LABEL, HASH_V3);
      t.getMetadata().setLabels(labels);
      created.getMetadata().setLabels(labels);
      created.getSpec().getSelector().getMatchLabels().put(Revisions.TEMPLATE_HASH_LABEL, HASH_V3);
      created.getSpec().setTemplate(t);
      client.resource(created).create();
      revision = max + 1;
      currentName = created.getMetadata().getName();
    } else {
      revision = Revisions.revisionOf(current).orElse(0) < max ? max + 1 : max;
      currentName = current.getMetadata().getName();
    }
    long rev = revision;
    Fixtures.editReplicaSet(
        client,
        currentName,
        rs -> {
          Map<String, String> a = new HashMap<>(rs.getMetadata().getAnnotations());
          d.getMetadata().getAnnotations().forEach(a::put);
          a.put(Revisions.REVISION_ANNOTATION, Long.toString(rev));
          rs.getMetadata().setAnnotations(a);
          return rs;
        });
    annotateDeployment(Revisions.REVISION_ANNOTATION, Long.toString(revision));
  }

  /** {@code kubectl rollout undo --to-revision}: template and annotations from the ReplicaSet. */
  protected void kubectlUndoTo(String replicaSet) {
    ReplicaSet target = replicaSet(replicaSet);
    Fixtures.editDeployment(
        client,
        d -> {
          d.getSpec()
              .setTemplate(
                  new ObjectMapper()
                      .convertValue(
                          Revisions.templateWithoutHash(target.getSpec().getTemplate()),
                          PodTemplateSpec.class));
          d.getMetadata()
              .setAnnotations(
                  new HashMap<>(
                      KubectlUndo.annotations(
                          d.getMetadata().getAnnotations(),
                          target.getMetadata().getAnnotations())));
          return d;
        });
    settle();
  }

  /** A person or GitOps applies a manifest: only the template changes. */
  protected void apply(PodTemplateSpec template) {
    Fixtures.editDeployment(
        client,
        d -> {
          d.getSpec().setTemplate(template);
          return d;
        });
    settle();
  }

  /** The v3 template: v2's with another version label and image. */
  protected static PodTemplateSpec templateV3() {
    PodTemplateSpec t = Fixtures.template("v2");
    t.getMetadata().setLabels(new HashMap<>(t.getMetadata().getLabels()));
    t.getMetadata().getLabels().put("version", "v3");
    t.getSpec().getContainers().get(0).setImage("model-server:v3");
    return t;
  }
}
