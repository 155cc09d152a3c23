package dev.selfheal.labtests.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.support.AlertmanagerProcess;
import dev.selfheal.labtests.support.ModelServerProcess;
import dev.selfheal.labtests.support.PrometheusProcess;
import dev.selfheal.labtests.support.RepoPaths;
import dev.selfheal.labtests.support.WebhookReceiver;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alerting chain with real processes: the real model server (v2 settings, a 3 s stall so
 * the test also covers a stalled pod whose /metrics keeps answering), a real Prometheus running the
 * configuration the chart renders from our values, and a real Alertmanager with the values'
 * alertmanager.config, whose rollback-controller webhook points at a recording receiver. The
 * adaptations for local processes (1 s intervals, rules with {@code for} divided by 5, file
 * discovery carrying the Kubernetes meta labels of the pods in our manifests) are listed in {@link
 * LabMonitoring}.
 */
class PrometheusAlertingIT {

  private static final String TOKEN = "alerting-it-" + System.nanoTime();
  private static final String V2_POD = "model-server-6d9f7c8b5b-k2v4x";
  private static final String V1_POD = "model-server-7b5c9d6f8c-q8z2m";
  private static final List<String> MODEL_ALERTS = List.of("ModelAccuracyLow", "ModelDegraded");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(250);

  @TempDir Path dir;

  @Test
  void modelAlertsGoPendingThenFiringReachTheWebhookAndResolveQuietlyAfterARollback()
      throws IOException {
    Path targets = dir.resolve("pods.json");
    try (WebhookReceiver webhook = WebhookReceiver.start("/alerts");
        AlertmanagerProcess alertmanager =
            AlertmanagerProcess.start(
                LabMonitoring.writeAlertmanagerConfig(dir.resolve("am"), webhook.url(), TOKEN));
        ModelServerProcess v2 = modelServer("v2.0")) {
      LabMonitoring.writePodTargets(
          targets,
          List.of(
              podFrom("k8s/deployment-v2.yaml", V2_POD, v2),
              // A pod without the scrape annotation must not become a target.
              new LabMonitoring.PodTarget(
                  "unrelated-5c6d7f8b9d-zz9xq",
                  "default",
                  "unrelated-5c6d7f8b9d",
                  "ReplicaSet",
                  Map.of("app", "unrelated"),
                  Map.of(),
                  v2.address())));
      try (PrometheusProcess prometheus =
          LabMonitoring.startPrometheus(dir.resolve("prom"), targets, alertmanager.address())) {

        scrapesThePodWithTheLabelsTheChartsRelabellingProduces(prometheus);
        modelAlertsFire(prometheus);
        modelAlertsWerePendingBeforeFiring(prometheus);
        alertmanagerDeliversAVersion4WebhookWithTheToken(webhook, "firing");
        await("Alertmanager holds both alerts for the rollback controller")
            .atMost(TIMEOUT)
            .pollInterval(POLL)
            .untilAsserted(() -> alertmanagerRoutesThemToTheRollbackController(alertmanager));

        try (ModelServerProcess v1 = modelServer("v1.0")) {
          // The rollback: the v1 pod replaces the v2 pod in discovery, and the v2 process goes
          // away.
          LabMonitoring.writePodTargets(
              targets, List.of(podFrom("k8s/deployment.yaml", V1_POD, v1)));
          v2.stop();

          await("model alerts resolved")
              .atMost(TIMEOUT)
              .pollInterval(POLL)
              .untilAsserted(
                  () ->
                      assertThat(alertNames(prometheus.alerts()))
                          .doesNotContainAnyElementsOf(MODEL_ALERTS));
          await("v1 scraped")
              .atMost(TIMEOUT)
              .pollInterval(POLL)
              .untilAsserted(
                  () ->
                      assertThat(prometheus.query("model_accuracy{pod=\"" + V1_POD + "\"} >= 0.90"))
                          .as("v1 accuracy at or above 0.90")
                          .hasSize(1));
          // send_resolved is false: the controller would ignore a resolved notification, so
          // Alertmanager sends none once it has resolved the alerts.
          await("Alertmanager resolved the model alerts")
              .atMost(TIMEOUT)
              .pollInterval(POLL)
              .untilAsserted(
                  () ->
                      assertThat(alertmanager.alerts())
                          .noneMatch(
                              a ->
                                  MODEL_ALERTS.contains(
                                      a.path("labels").path("alertname").asText())));
          await("no resolved notification within several group intervals")
              .during(Duration.ofSeconds(4))
              .atMost(Duration.ofSeconds(6))
              .pollInterval(POLL)
              .until(
                  () ->
                      webhook.deliveries().stream()
                          .noneMatch(d -> d.body().path("status").asText().equals("resolved")));
        }
      }
    }
  }

  private static void scrapesThePodWithTheLabelsTheChartsRelabellingProduces(
      PrometheusProcess prometheus) {
    await("target up")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              JsonNode active = prometheus.activeTargets();
              assertThat(active).hasSize(1);
              assertThat(active.get(0).path("health").asText()).isEqualTo("up");
            });
    JsonNode labels = prometheus.activeTargets().get(0).path("labels");
    assertThat(labels.path("job").asText()).isEqualTo(LabMonitoring.POD_JOB);
    assertThat(labels.path("namespace").asText()).isEqualTo("default");
    assertThat(labels.path("pod").asText()).isEqualTo(V2_POD);
    assertThat(labels.path("deployment").asText()).isEqualTo("model-server");
    assertThat(labels.path("app").asText()).isEqualTo("model-server");
    assertThat(labels.path("pod_version").asText()).isEqualTo("v2");
    assertThat(labels.has("version"))
        .as("target label version (would rename the metric's)")
        .isFalse();

    await("model_accuracy scraped")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(prometheus.query("model_accuracy")).hasSize(1));
    JsonNode metric = prometheus.query("model_accuracy").get(0).path("metric");
    // The model's own version label survives unchanged: no exported_version.
    assertThat(metric.path("version").asText()).isEqualTo("v2.0");
    assertThat(metric.has("exported_version")).isFalse();
    assertThat(metric.path("deployment").asText()).isEqualTo("model-server");
  }

  private static void modelAlertsFire(PrometheusProcess prometheus) {
    await("ModelAccuracyLow and ModelDegraded firing")
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(() -> assertThat(firing(prometheus.alerts())).containsAll(MODEL_ALERTS));
    for (JsonNode alert : prometheus.alerts()) {
      if (MODEL_ALERTS.contains(alert.path("labels").path("alertname").asText())) {
        JsonNode labels = alert.path("labels");
        assertThat(labels.path("severity").asText()).isEqualTo("critical");
        assertThat(labels.path("namespace").asText()).isEqualTo("default");
        assertThat(labels.path("pod").asText()).isEqualTo(V2_POD);
        assertThat(labels.path("deployment").asText()).isEqualTo("model-server");
        assertThat(labels.path("version").asText()).isEqualTo("v2.0");
        assertThat(alert.path("annotations").path("runbook_url").asText())
            .startsWith("docs/runbooks.md#");
      }
    }
  }

  /** The ALERTS series keeps the history: each alert was pending before it was firing. */
  private static void modelAlertsWerePendingBeforeFiring(PrometheusProcess prometheus) {
    for (String name : MODEL_ALERTS) {
      double pendingFrom = firstSample(prometheus, name, "pending");
      double firingFrom = firstSample(prometheus, name, "firing");
      assertThat(pendingFrom).as("%s pending before firing", name).isLessThan(firingFrom);
    }
  }

  private static double firstSample(PrometheusProcess prometheus, String alert, String state) {
    JsonNode result =
        prometheus.queryRange(
            "ALERTS{alertname=\"" + alert + "\",alertstate=\"" + state + "\"}",
            Duration.ofMinutes(3));
    assertThat(result).as("ALERTS %s %s", alert, state).isNotEmpty();
    return result.get(0).path("values").get(0).get(0).asDouble();
  }

  private static void alertmanagerDeliversAVersion4WebhookWithTheToken(
      WebhookReceiver webhook, String status) {
    await("webhook with status " + status)
        .atMost(TIMEOUT)
        .pollInterval(POLL)
        .untilAsserted(
            () ->
                assertThat(webhook.deliveries())
                    .anySatisfy(
                        d -> {
                          assertThat(d.authorization()).isEqualTo("Bearer " + TOKEN);
                          JsonNode body = d.body();
                          assertThat(body.path("version").asText()).isEqualTo("4");
                          assertThat(body.path("receiver").asText())
                              .isEqualTo("rollback-controller");
                          assertThat(body.path("status").asText()).isEqualTo(status);
                          assertThat(body.path("groupLabels").path("deployment").asText())
                              .isEqualTo("model-server");
                          assertThat(body.path("alerts"))
                              .anySatisfy(
                                  a -> {
                                    assertThat(a.path("status").asText()).isEqualTo(status);
                                    assertThat(a.path("labels").path("alertname").asText())
                                        .isIn(MODEL_ALERTS);
                                    assertThat(a.path("labels").path("pod").asText())
                                        .isEqualTo(V2_POD);
                                    assertThat(a.path("labels").path("namespace").asText())
                                        .isEqualTo("default");
                                  });
                        }));
  }

  private static void alertmanagerRoutesThemToTheRollbackController(
      AlertmanagerProcess alertmanager) {
    List<String> routed = new ArrayList<>();
    for (JsonNode alert : alertmanager.alerts()) {
      String name = alert.path("labels").path("alertname").asText();
      if (MODEL_ALERTS.contains(name)) {
        assertThat(alert.path("receivers").findValuesAsText("name"))
            .as(name)
            .containsExactly("rollback-controller");
        assertThat(alert.path("status").path("state").asText()).as(name).isEqualTo("active");
        routed.add(name);
      }
    }
    assertThat(routed).containsAll(MODEL_ALERTS);
  }

  private static ModelServerProcess modelServer(String version) {
    return ModelServerProcess.builder()
        .env("MODEL_VERSION", version)
        // No latent stall: the low accuracy is what these alerts are about, and a stall timed from
        // start could hit the self-check before the first ready on a busy machine.
        .env("FAULT_STALL_AFTER_SECONDS", "0")
        .env("SELF_EVAL_INTERVAL_SECONDS", "1")
        .env("SHUTDOWN_GRACE_SECONDS", "1")
        .start();
  }

  /**
   * A pod of the given manifest's template as discovery would see it, scraped on the process's
   * port.
   */
  private static LabMonitoring.PodTarget podFrom(
      String manifest, String podName, ModelServerProcess server) throws IOException {
    Deployment deployment =
        new KubernetesSerialization()
            .unmarshal(Files.readString(RepoPaths.resolve(manifest)), Deployment.class);
    ObjectMeta template = deployment.getSpec().getTemplate().getMetadata();
    Map<String, String> annotations = new LinkedHashMap<>(template.getAnnotations());
    // The process cannot listen on 8080 here; the annotation names its real port, as it would the
    // pod's.
    annotations.put("prometheus.io/port", Integer.toString(server.port()));
    String replicaSet = podName.substring(0, podName.lastIndexOf('-'));
    // Discovery reports podIP:containerPort; the relabelling must swap in the annotation's port.
    return new LabMonitoring.PodTarget(
        podName,
        "default",
        replicaSet,
        "ReplicaSet",
        template.getLabels(),
        annotations,
        "127.0.0.1:9");
  }

  private static List<String> alertNames(JsonNode alerts) {
    List<String> names = new ArrayList<>();
    alerts.forEach(a -> names.add(a.path("labels").path("alertname").asText()));
    return names;
  }

  private static List<String> firing(JsonNode alerts) {
    List<String> names = new ArrayList<>();
    alerts.forEach(
        a -> {
          if (a.path("state").asText().equals("firing")) {
            names.add(a.path("labels").path("alertname").asText());
          }
        });
    return names;
  }
}
