package dev.selfheal.rollback.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.selfheal.rollback.Webhooks;
import dev.selfheal.runtime.http.HttpError;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertPayloadParserTest {

  private final AlertPayloadParser parser = new AlertPayloadParser(Set.of("ModelAccuracyLow"));

  private AlertNotification parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesAlertmanagerPayload() {
    Instant t = Instant.parse("2026-01-10T12:00:00.123456789Z");
    AlertNotification n = parse(Webhooks.firing(t));
    assertThat(n.receiver()).isEqualTo("rollback-controller");
    assertThat(n.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.firing()).isTrue();
              assertThat(a.alertName()).isEqualTo("ModelAccuracyLow");
              assertThat(a.labels()).containsEntry("deployment", "model-server");
              assertThat(a.startsAt()).isEqualTo(t);
              assertThat(a.fingerprint()).isEqualTo("0123456789abcdef");
            });
  }

  @Test
  void zeroTimeMeansUnset() {
    String json =
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"X\"},"
            + "\"startsAt\":\"0001-01-01T00:00:00Z\"}]}";
    assertThat(parse(json).alerts().get(0).startsAt()).isNull();
  }

  @Test
  void alertsOutsideTheAllowlistNeedNoTarget() {
    String json = Webhooks.payload("firing", Instant.now(), Map.of("alertname", "Watchdog"));
    assertThat(parse(json).alerts()).hasSize(1);
  }

  @Test
  void resolvedAllowlistedAlertsNeedNoTarget() {
    String json =
        Webhooks.payload("resolved", Instant.now(), Map.of("alertname", "ModelAccuracyLow"));
    assertThat(parse(json).alerts().get(0).firing()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json | {oops | body",
        "array body | [] | body",
        "missing version | {\"alerts\":[]} | version",
        "version 3 | {\"version\":\"3\",\"alerts\":[]} | version",
        "numeric version | {\"version\":4,\"alerts\":[]} | version",
        "alerts missing | {\"version\":\"4\"} | alerts",
        "alert not object | {\"version\":\"4\",\"alerts\":[1]} | alerts[0]",
        "bad status | {\"version\":\"4\",\"alerts\":[{\"status\":\"x\",\"labels\":{}}]} | alerts[0].status",
        "labels missing | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]} | alerts[0].labels",
        "label not string | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":1}}]} | alerts[0].labels.alertname",
        "alertname missing | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{}}]} | alerts[0].labels.alertname",
        "namespace missing | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"deployment\":\"d\"}}]} | alerts[0].labels.namespace",
        "no target | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\"}}]} | alerts[0].labels.deployment",
        "bad deployment name | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"deployment\":\"../x\"}}]} | alerts[0].labels.deployment",
        "bad pod name | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"pod\":\"A B\"}}]} | alerts[0].labels.pod",
        "pod with a slash next to a deployment | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"deployment\":\"d\",\"pod\":\"a/b\"}}]} | alerts[0].labels.pod",
        "pod climbing the path next to a deployment | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"deployment\":\"d\",\"pod\":\"../..\"}}]} | alerts[0].labels.pod",
        "empty deployment and no pod | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"deployment\":\"\"}}]} | alerts[0].labels.deployment",
        "bad startsAt | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"},\"startsAt\":\"yesterday\"}]} | alerts[0].startsAt",
        "bad template hash | {\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\",\"deployment\":\"d\",\"pod_template_hash\":\"a\\nb\"}}]} | alerts[0].labels.pod_template_hash",
      })
  void rejectsNamingTheField(String name, String json, String field) {
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> parse(json))
        .satisfies(e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void deeplyNestedBodyIsRejectedAsBadInputNotACrash() {
    // Jackson's own depth error carries no location; this used to end in an NPE and a 500.
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> parse(deep))
        .withMessageContaining("nested deeper than " + AlertPayloadParser.MAX_DEPTH)
        .satisfies(e -> assertThat(e.field()).isEqualTo("body"));
    String deepLabel =
        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":"
            + "{\"x\":".repeat(50)
            + "1"
            + "}".repeat(50)
            + "}]}";
    assertThatExceptionOfType(HttpError.class).isThrownBy(() -> parse(deepLabel));
  }

  @Test
  void tooManyAlertsInOneRequestAreRefusedWithTheSetting() {
    AlertPayloadParser capped = new AlertPayloadParser(Set.of("ModelAccuracyLow"), 3);
    StringBuilder alerts = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      alerts.append(i == 0 ? "" : ",");
      alerts.append("{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"}}");
    }
    String json = "{\"version\":\"4\",\"alerts\":[" + alerts + "]}";
    assertThatExceptionOfType(HttpError.class)
        .isThrownBy(() -> capped.parse(json.getBytes(StandardCharsets.UTF_8)))
        .withMessageContaining("MAX_ALERTS_PER_REQUEST (3)")
        .satisfies(e -> assertThat(e.field()).isEqualTo("alerts"));
  }

  @Test
  void anEmptyLabelIsAbsentAsInPrometheus() {
    AlertNotification n =
        parse(
            "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{"
                + "\"alertname\":\"ModelAccuracyLow\",\"namespace\":\"default\","
                + "\"deployment\":\"model-server\",\"pod\":\"\"}}]}");
    assertThat(n.alerts().get(0).problem()).isNull();
    assertThat(n.alerts().get(0).labels()).doesNotContainKey("pod");
  }

  @Test
  void anInvalidAlertIsReportedAndTheValidOnesOfTheGroupKept() {
    String json =
        "{\"version\":\"4\",\"alerts\":["
            + "{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\","
            + "\"namespace\":\"default\"}},"
            + "{\"status\":\"firing\",\"labels\":{\"alertname\":\"ModelAccuracyLow\","
            + "\"namespace\":\"default\",\"deployment\":\"model-server\"}}]}";
    AlertNotification n = parse(json);
    assertThat(n.alerts()).hasSize(2);
    assertThat(n.alerts().get(0).problem()).contains("alerts[0]", "deployment or pod");
    assertThat(n.alerts().get(1).problem()).isNull();
  }
}
