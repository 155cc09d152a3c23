package dev.selfheal.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.runtime.http.Json;
import dev.selfheal.runtime.http.Reply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProbeTest {
  private final AtomicBoolean loaded = new AtomicBoolean();

  private Probe readiness() {
    return Probe.builder("ready", "not_ready")
        .check("model", () -> Check.of("model", loaded.get(), "loaded", "loading"))
        .check("draining", () -> Check.passing("draining", "serving"))
        .field("version", "v1.0")
        .detail("firstFailure", r -> r.firstFailure().map(Check::reason).orElse(null))
        .build();
  }

  @Test
  void theBodyHasStatusFieldsChecksAndDetailsInThatOrder() {
    Probe probe = readiness();
    ProbeReport report = probe.report();
    assertThat(report.pass()).isFalse();
    assertThat(report.status()).isEqualTo(503);
    assertThat(probe.body(report))
        .containsExactly(
            Map.entry("status", "not_ready"),
            Map.entry("version", "v1.0"),
            Map.entry(
                "checks",
                List.of(Check.failing("model", "loading"), Check.passing("draining", "serving"))),
            Map.entry("firstFailure", "loading"));

    loaded.set(true);
    ProbeReport passing = probe.report();
    assertThat(passing.status()).isEqualTo(200);
    assertThat(passing.passed("model")).isTrue();
    // A null detail is left out.
    assertThat(probe.body(passing)).containsOnlyKeys("status", "version", "checks");
  }

  @Test
  void theHandlerAnswersTheReportAsJson() throws Exception {
    ProbeHandler handler = new ProbeHandler(readiness());
    Reply reply = handler.handle(null);
    assertThat(reply.status()).isEqualTo(503);
    JsonNode body = Json.mapper().valueToTree(reply.json());
    assertThat(body.get("status").asText()).isEqualTo("not_ready");
    assertThat(body.at("/checks/0/name").asText()).isEqualTo("model");
    assertThat(body.at("/checks/0/pass").asBoolean()).isFalse();
    assertThat(body.at("/checks/0/reason").asText()).isEqualTo("loading");

    loaded.set(true);
    assertThat(handler.handle(null).status()).isEqualTo(200);
  }

  @Test
  void aCheckThatThrowsFailsWithTheReasonInsteadOfFailingTheProbe() {
    Probe probe =
        Probe.builder("ok", "failed")
            .check(
                "broken",
                () -> {
                  throw new IllegalStateException("no state");
                })
            .check("empty", () -> null)
            .build();
    ProbeReport report = probe.report();
    assertThat(report.checks())
        .containsExactly(
            Check.failing("broken", "check failed: java.lang.IllegalStateException: no state"),
            Check.failing("empty", "check returned no verdict"));
  }

  @Test
  void theDeclaredNameWins() {
    Probe probe =
        Probe.builder("ok", "failed").check("workers", () -> Check.passing("x", "ran")).build();
    assertThat(probe.report().checks()).containsExactly(Check.passing("workers", "ran"));
    assertThat(probe.report().check("x")).isEmpty();
    assertThat(probe.report().passed("x")).isFalse();
  }

  @Test
  void declarationMistakesFailAtBuild() {
    assertThatIllegalStateException()
        .isThrownBy(() -> Probe.builder("ok", "failed").build())
        .withMessage("a probe needs at least one check");
    Probe.Builder builder =
        Probe.builder("ok", "failed").check("a", () -> Check.passing("a", "")).field("v", "1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder.check("a", () -> Check.passing("a", "")))
        .withMessage("check 'a' is declared twice");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder.detail("v", r -> 1))
        .withMessage("body field 'v' is declared twice");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder.field("checks", 1))
        .withMessage("'checks' is written by the probe itself");
  }
}
