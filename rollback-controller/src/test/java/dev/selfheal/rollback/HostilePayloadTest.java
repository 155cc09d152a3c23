package dev.selfheal.rollback;

import static dev.selfheal.rollback.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.selfheal.rollback.controller.Reconciler;
import dev.selfheal.testsupport.k8s.AlertWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Payloads an attacker with the token (or a broken sender) might post: each gets a 4xx or a clear
 * per-alert outcome, never a 500, and never a forged log line.
 */
@EnableKubernetesMockClient(crud = true)
class HostilePayloadTest {

  private static final String AUTH = "Bearer " + Webhooks.TOKEN;
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;
  private ControllerApp app;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger reconcilerLog = (Logger) LoggerFactory.getLogger(Reconciler.class);

  @BeforeEach
  void start() throws Exception {
    Fixtures.seed(client, Instant.now().minus(Duration.ofMinutes(5)));
    logs.start();
    reconcilerLog.addAppender(logs);
    app =
        TestConfigs.startLeading(
            client, Map.of("MAX_ALERTS_PER_REQUEST", "5"), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    reconcilerLog.detachAppender(logs);
    app.close();
  }

  private String image() {
    return Fixtures.image(client, NS);
  }

  @Test
  void deeplyNestedBodyIsA400NotA500() throws Exception {
    // 30,000 levels fit the test's MAX_BODY_BYTES; Jackson's own limit (1,000) used to end in an
    // NPE and a 500, which Alertmanager retries.
    String deep = "{\"version\":\"4\",\"alerts\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";
    HttpResponse<String> response = Webhooks.post(app.port(), deep, AUTH);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("nested deeper than").doesNotContain("Exception");
  }

  @Test
  void tooManyAlertsInOneRequestIsA400NamingTheSetting() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.firing(Instant.now()));
    ArrayNode alerts = (ArrayNode) root.path("alerts");
    for (int i = 0; i < 5; i++) {
      alerts.add(alerts.get(0).deepCopy());
    }
    HttpResponse<String> response = Webhooks.post(app.port(), root.toString(), AUTH);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("MAX_ALERTS_PER_REQUEST (5)");
    assertThat(image()).isEqualTo("model-server:v2");
  }

  @Test
  void anInvalidAlertIsReportedWhileTheValidOneOfTheGroupIsProcessed() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.firing(Instant.now()));
    ArrayNode alerts = (ArrayNode) root.path("alerts");
    ObjectNode broken = alerts.get(0).deepCopy();
    ((ObjectNode) broken.path("labels")).put("deployment", "../etc");
    alerts.insert(0, broken);

    HttpResponse<String> response = Webhooks.post(app.port(), root.toString(), AUTH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("\"decision\":\"invalid_alert\"", "alerts[0].labels.deployment")
        .contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  @Test
  void emptyOrPathLikePodLabelsNeverReachTheApiServerAndTheBatchGoesOn() throws Exception {
    // pod="" used to be looked up as the pod named "" (HTTP 500, the rest of the batch skipped);
    // pod="a/b" and "../.." next to a deployment label went into the request path as they were.
    ObjectNode root = (ObjectNode) JSON.readTree(Webhooks.firing(Instant.now()));
    ArrayNode alerts = (ArrayNode) root.path("alerts");
    ObjectNode emptyPod = (ObjectNode) alerts.get(0);
    ((ObjectNode) emptyPod.path("labels")).put("pod", "");
    for (String pod : new String[] {"%2e%2e", "../..", "a/b"}) {
      ObjectNode broken = emptyPod.deepCopy();
      ((ObjectNode) broken.path("labels")).put("pod", pod);
      alerts.insert(0, broken);
    }

    HttpResponse<String> response = Webhooks.post(app.port(), root.toString(), AUTH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("alerts[0].labels.pod", "alerts[1].labels.pod", "alerts[2].labels.pod")
        .contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  @Test
  void labelValuesCannotForgeLogLines() throws Exception {
    String body =
        AlertWebhook.firing("Watchdog\n2026-01-01 INFO Reconciler - Rolled back everything")
            .in(NS)
            .json();
    assertThat(Webhooks.post(app.port(), body, AUTH).statusCode()).isEqualTo(200);

    assertThat(logs.list)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("Watchdog\\n2026"));
    assertThat(logs.list)
        .allSatisfy(
            e -> assertThat(e.getFormattedMessage()).doesNotContain("\n").doesNotContain("\r"));
  }
}
