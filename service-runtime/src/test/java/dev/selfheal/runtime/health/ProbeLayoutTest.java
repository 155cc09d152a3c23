package dev.selfheal.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.selfheal.runtime.http.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A probe with its own layout: the checks decide the verdict, the layout writes the body. */
class ProbeLayoutTest {
  private final AtomicBoolean leading = new AtomicBoolean();

  private Probe ownLayout() {
    return Probe.builder("ready", "not_ready")
        .check("leader", () -> Check.of("leader", leading.get(), "leading", "standby"))
        .layout(
            report -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("ready", report.pass());
              body.put("leader", report.passed("leader"));
              report.firstFailure().ifPresent(c -> body.put("reason", c.reason()));
              return body;
            })
        .build();
  }

  @Test
  void theLayoutWritesTheWholeBodyAndTheChecksTheStatusCode() {
    ProbeHandler handler = new ProbeHandler(ownLayout());

    Reply standby = handler.handle(null);
    assertThat(standby.status()).isEqualTo(503);
    assertThat(standby.json())
        .isEqualTo(Map.of("ready", false, "leader", false, "reason", "standby"));

    leading.set(true);
    Reply leader = handler.handle(null);
    assertThat(leader.status()).isEqualTo(200);
    assertThat(leader.json()).isEqualTo(Map.of("ready", true, "leader", true));
  }

  @Test
  void aProbeWithItsOwnLayoutDeclaresNoFieldsOrDetails() {
    Probe.Builder withField =
        Probe.builder("ready", "not_ready")
            .check("leader", () -> Check.passing("leader", "leading"))
            .field("version", "v1")
            .layout(report -> Map.of("ready", report.pass()));
    assertThatIllegalStateException().isThrownBy(withField::build).withMessageContaining("layout");

    Probe.Builder withDetail =
        Probe.builder("ready", "not_ready")
            .check("leader", () -> Check.passing("leader", "leading"))
            .detail("why", r -> "because")
            .layout(report -> Map.of("ready", report.pass()));
    assertThatIllegalStateException().isThrownBy(withDetail::build).withMessageContaining("layout");
  }
}
