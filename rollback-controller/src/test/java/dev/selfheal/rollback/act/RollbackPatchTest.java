package dev.selfheal.rollback.act;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.rollback.decide.Trigger;
import dev.selfheal.rollback.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exact PATCH a rollback sends, asserted against the mock server in expectations mode. */
@EnableKubernetesMockClient
class RollbackPatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/apis/apps/v1/namespaces/default/deployments/model-server";

  KubernetesMockServer server;
  KubernetesClient client;

  private Decision decision(Deployment d, List<ReplicaSet> rss, Instant now) {
    return new RollbackDecider(
            new RollbackPolicy(Set.of("default"), Set.of("ModelDegraded"), Duration.ZERO, 5))
        .decide(
            d,
            rss,
            Trigger.alert("ModelDegraded", "default", "model-server", null, null, true),
            Memory.empty(),
            now);
  }

  @Test
  void sendsOneJsonPatchWithPreconditionTemplateAndAnnotations() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setResourceVersion("42");
    Instant now = Instant.parse("2026-01-10T12:00:00Z");
    List<ReplicaSet> rss =
        new ArrayList<>(
            List.of(
                Fixtures.replicaSet("v1", 1, now.minusSeconds(3600)),
                Fixtures.replicaSet("v2", 2, now.minusSeconds(600))));
    Decision decision = decision(d, rss, now);
    assertThat(decision.isRollback()).isTrue();
    server.expect().patch().withPath(PATH).andReturn(200, d).once();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/events")
        .andReturn(201, "{}")
        .once();

    RollbackExecutor executor =
        new RollbackExecutor(
            client, new ControllerMetrics(new PrometheusRegistry()), false, "rc-0", null);
    RollbackExecutor.Result result =
        executor.apply(
            d,
            Trigger.alert("ModelDegraded", "default", "model-server", null, null, true),
            decision,
            now,
            System.nanoTime());

    assertThat(result).isEqualTo(RollbackExecutor.Result.APPLIED);
    RecordedRequest patch = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getPath()).isEqualTo(PATH);
    assertThat(patch.getHeader("Content-Type")).startsWith("application/json-patch+json");
    JsonNode ops = JSON.readTree(patch.getUtf8Body());
    assertThat(ops).hasSize(4);
    assertThat(ops.get(0).toString())
        .isEqualTo("{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"}");
    assertThat(ops.get(1).path("op").asText()).isEqualTo("replace");
    assertThat(ops.get(1).path("path").asText()).isEqualTo("/spec/template");
    assertThat(ops.get(1).path("value")).isEqualTo(JSON.valueToTree(Fixtures.template("v1")));
    assertThat(ops.get(2).path("path").asText())
        .isEqualTo("/metadata/annotations/rollback.selfheal.dev~1last-rollback");
    JsonNode record = JSON.readTree(ops.get(2).path("value").asText());
    assertThat(record.path("from").path("revision").asLong()).isEqualTo(2);
    assertThat(record.path("to").path("replicaSet").asText()).isEqualTo(Fixtures.RS_V1);
    assertThat(record.path("reason").asText()).isEqualTo("ModelDegraded");
    assertThat(record.path("time").asText()).isEqualTo("2026-01-10T12:00:00Z");
    assertThat(ops.get(3).toString())
        .isEqualTo(
            "{\"op\":\"add\",\"path\":\"/metadata/annotations/rollback.selfheal.dev~1rolled-back-from\",\"value\":\""
                + Fixtures.HASH_V2
                + "\"}");
    RecordedRequest event = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(event.getMethod()).isEqualTo("POST");
    assertThat(event.getUtf8Body())
        .contains("\"reason\":\"RolledBack\"", "\"kind\":\"Deployment\"");
  }

  @Test
  void conflictIsAFailureNotAnException() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setResourceVersion("42");
    Instant now = Instant.now();
    List<ReplicaSet> rss =
        List.of(
            Fixtures.replicaSet("v1", 1, now.minusSeconds(3600)),
            Fixtures.replicaSet("v2", 2, now.minusSeconds(600)));
    server.expect().patch().withPath(PATH).andReturn(422, "{}").once();
    RollbackExecutor executor =
        new RollbackExecutor(
            client, new ControllerMetrics(new PrometheusRegistry()), false, "rc-0", null);
    assertThat(
            executor.apply(
                d,
                Trigger.alert("ModelDegraded", "default", "model-server", null, null, true),
                decision(d, rss, now),
                now,
                System.nanoTime()))
        .isEqualTo(RollbackExecutor.Result.FAILED);
  }

  @Test
  void addsTheAnnotationsObjectWhenTheDeploymentHasNone() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setAnnotations(null);
    d.getMetadata().setResourceVersion("7");
    Instant now = Instant.now();
    Decision decision =
        decision(
            d,
            List.of(
                Fixtures.replicaSet("v1", 1, now.minusSeconds(3600)),
                Fixtures.replicaSet("v2", 2, now.minusSeconds(600))),
            now);
    JsonNode ops =
        JSON.readTree(
            RollbackExecutor.patchFor(
                d,
                decision,
                new dev.selfheal.rollback.decide.RollbackRecord(
                    decision.from(), decision.to(), "x", "alert", now, false)));
    assertThat(ops.get(2).toString())
        .isEqualTo("{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{}}");
  }

  @Test
  void restoresTheTargetRevisionsChangeCauseLikeKubectl() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setResourceVersion("9");
    Instant now = Instant.now();
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, now.minusSeconds(3600));
    v1.getMetadata()
        .setAnnotations(
            java.util.Map.of(
                "deployment.kubernetes.io/revision", "1",
                "deployment.kubernetes.io/desired-replicas", "3",
                "kubernetes.io/change-cause", "model-server:v1"));
    Decision decision =
        decision(d, List.of(v1, Fixtures.replicaSet("v2", 2, now.minusSeconds(600))), now);
    JsonNode ops =
        JSON.readTree(
            RollbackExecutor.patchFor(
                d,
                decision,
                new dev.selfheal.rollback.decide.RollbackRecord(
                    decision.from(), decision.to(), "x", "alert", now, false)));
    assertThat(ops.toString())
        .contains(
            "{\"op\":\"add\",\"path\":\"/metadata/annotations/kubernetes.io~1change-cause\",\"value\":\"model-server:v1\"}")
        .doesNotContain("desired-replicas")
        .doesNotContain("/metadata/annotations/deployment.kubernetes.io~1revision\"");
  }
}
