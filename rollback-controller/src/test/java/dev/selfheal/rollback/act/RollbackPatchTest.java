package dev.selfheal.rollback.act;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.decide.Decision;
import dev.selfheal.rollback.decide.Memory;
import dev.selfheal.rollback.decide.RollbackDecider;
import dev.selfheal.rollback.decide.RollbackPolicy;
import dev.selfheal.rollback.decide.RollbackRecord;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exact PATCHes a rollback sends, asserted against the mock server in expectations mode. */
@EnableKubernetesMockClient
class RollbackPatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PATH = "/apis/apps/v1/namespaces/default/deployments/model-server";
  private static final String RS_PATH =
      "/apis/apps/v1/namespaces/default/replicasets/" + Fixtures.RS_V2;
  // Every write names the controller as its field manager, so managedFields tell its writes apart.
  private static final String AS_CONTROLLER = "?fieldManager=rollback-controller";
  private static final Trigger ALERT =
      Trigger.alert("ModelDegraded", "default", "model-server", null, null, true)
          .withTemplateHash(Fixtures.HASH_V2);

  KubernetesMockServer server;
  KubernetesClient client;

  private Decision decision(Deployment d, List<ReplicaSet> rss, Instant now) {
    return new RollbackDecider(
            new RollbackPolicy(
                Set.of("default"),
                Set.of("ModelDegraded"),
                Duration.ZERO,
                5,
                5,
                Duration.ofMinutes(15),
                false))
        .decide(d, rss, ALERT, Memory.empty(), now);
  }

  private RollbackExecutor executor() {
    return new RollbackExecutor(
        client, new ControllerMetrics(new PrometheusRegistry()), false, "rc-0", null);
  }

  @Test
  void sendsOneJsonPatchThenRecordsTheBadRevisionOnItsReplicaSet() throws Exception {
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
    server.expect().patch().withPath(PATH + AS_CONTROLLER).andReturn(200, d).once();
    server.expect().patch().withPath(RS_PATH + AS_CONTROLLER).andReturn(200, rss.get(1)).once();
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/events")
        .andReturn(201, "{}")
        .once();

    RollbackExecutor.Result result = executor().apply(d, ALERT, decision, now, System.nanoTime());

    assertThat(result).isEqualTo(RollbackExecutor.Result.APPLIED);
    RecordedRequest patch = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(patch.getMethod()).isEqualTo("PATCH");
    assertThat(patch.getPath()).isEqualTo(PATH + AS_CONTROLLER);
    assertThat(patch.getHeader("Content-Type")).startsWith("application/json-patch+json");
    JsonNode ops = JSON.readTree(patch.getUtf8Body());
    assertThat(ops).hasSize(3);
    // The precondition: a resourceVersion in a patch must equal the stored one, else HTTP 409.
    assertThat(ops.get(0).toString())
        .isEqualTo("{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"42\"}");
    assertThat(ops.get(1).path("op").asText()).isEqualTo("replace");
    assertThat(ops.get(1).path("path").asText()).isEqualTo("/spec/template");
    assertThat(ops.get(1).path("value")).isEqualTo(JSON.valueToTree(Fixtures.template("v1")));
    assertThat(ops.get(2).path("op").asText()).isEqualTo("add");
    assertThat(ops.get(2).path("path").asText()).isEqualTo("/metadata/annotations");
    JsonNode record =
        JSON.readTree(ops.get(2).path("value").path(RollbackAnnotations.LAST_ROLLBACK).asText());
    assertThat(record.path("from").path("revision").asLong()).isEqualTo(2);
    assertThat(record.path("to").path("replicaSet").asText()).isEqualTo(Fixtures.RS_V1);
    assertThat(record.path("reason").asText()).isEqualTo("ModelDegraded");
    assertThat(record.path("time").asText()).isEqualTo("2026-01-10T12:00:00Z");

    RecordedRequest mark = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(mark.getMethod()).isEqualTo("PATCH");
    assertThat(mark.getPath()).isEqualTo(RS_PATH + AS_CONTROLLER);
    assertThat(mark.getHeader("Content-Type")).startsWith("application/merge-patch+json");
    JsonNode bad =
        JSON.readTree(
            JSON.readTree(mark.getUtf8Body())
                .path("metadata")
                .path("annotations")
                .path(RollbackAnnotations.BAD_REVISION)
                .asText());
    assertThat(bad.path("from").path("templateHash").asText()).isEqualTo(Fixtures.HASH_V2);
    assertThat(bad.path("reason").asText()).isEqualTo("ModelDegraded");

    RecordedRequest event = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(event.getMethod()).isEqualTo("POST");
    assertThat(event.getUtf8Body())
        .contains("\"reason\":\"RolledBack\"", "\"kind\":\"Deployment\"");
  }

  @Test
  void conflictIsReportedForARetryAndOtherErrorsAsFailures() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setResourceVersion("42");
    Instant now = Instant.now();
    List<ReplicaSet> rss =
        List.of(
            Fixtures.replicaSet("v1", 1, now.minusSeconds(3600)),
            Fixtures.replicaSet("v2", 2, now.minusSeconds(600)));
    server.expect().patch().withPath(PATH + AS_CONTROLLER).andReturn(409, "{}").once();
    server.expect().patch().withPath(PATH + AS_CONTROLLER).andReturn(422, "{}").once();
    RollbackExecutor executor = executor();
    assertThat(executor.apply(d, ALERT, decision(d, rss, now), now, System.nanoTime()))
        .isEqualTo(RollbackExecutor.Result.CONFLICT);
    assertThat(executor.apply(d, ALERT, decision(d, rss, now), now, System.nanoTime()))
        .isEqualTo(RollbackExecutor.Result.FAILED);
  }

  @Test
  void setsTheAnnotationsObjectWhenTheDeploymentHasNone() throws Exception {
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
            RollbackPatch.rollback(
                d,
                decision,
                new RollbackRecord(decision.from(), decision.to(), "x", "alert", now, false)));
    assertThat(ops.get(2).path("op").asText()).isEqualTo("add");
    assertThat(ops.get(2).path("path").asText()).isEqualTo("/metadata/annotations");
    assertThat(ops.get(2).path("value").has(RollbackAnnotations.LAST_ROLLBACK)).isTrue();
  }

  @Test
  void annotationsAreWhatKubectlRolloutUndoWritesPlusTheLastRollbackRecord() throws Exception {
    Deployment d = Fixtures.deployment("v2", true);
    d.getMetadata().setResourceVersion("9");
    d.getMetadata()
        .setAnnotations(
            Map.of(
                "deployment.kubernetes.io/revision", "2",
                "kubectl.kubernetes.io/last-applied-configuration", "{\"applied\":true}",
                "kubernetes.io/change-cause", "model-server:v2",
                "team.example/owner", "only-on-the-deployment"));
    Instant now = Instant.parse("2026-01-10T12:00:00Z");
    ReplicaSet v1 = Fixtures.replicaSet("v1", 1, now.minusSeconds(3600));
    v1.getMetadata()
        .setAnnotations(
            Map.of(
                "deployment.kubernetes.io/revision", "1",
                "deployment.kubernetes.io/desired-replicas", "3",
                "deployment.kubernetes.io/max-replicas", "4",
                "kubectl.kubernetes.io/last-applied-configuration", "{\"applied\":\"old\"}",
                "kubernetes.io/change-cause", "model-server:v1",
                "team.example/ticket", "on-the-replicaset"));
    Decision decision =
        decision(d, List.of(v1, Fixtures.replicaSet("v2", 2, now.minusSeconds(600))), now);
    RollbackRecord record =
        new RollbackRecord(decision.from(), decision.to(), "x", "alert", now, false);

    JsonNode annotations =
        JSON.readTree(RollbackPatch.rollback(d, decision, record)).get(2).path("value");

    // kubectl: the skip list keeps the Deployment's values, everything else comes from the
    // ReplicaSet, and what only the Deployment had is gone.
    assertThat(annotations)
        .isEqualTo(
            JSON.<JsonNode>valueToTree(
                Map.of(
                    "deployment.kubernetes.io/revision",
                    "2",
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"applied\":true}",
                    "kubernetes.io/change-cause",
                    "model-server:v1",
                    "team.example/ticket",
                    "on-the-replicaset",
                    RollbackAnnotations.LAST_ROLLBACK,
                    RollbackAnnotations.toJson(record))));
  }
}
