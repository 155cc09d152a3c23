package dev.selfheal.traffic.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.client.PredictResponse;
import dev.selfheal.traffic.client.PredictResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrafficStatsTest {

  private static PredictResult answer(String version, String prediction) {
    return PredictResult.ok(200, new PredictResponse(prediction, 0.9, 0.3, version, "id"));
  }

  @Test
  void countsOutcomesAndAccuracyPerVersion() {
    TrafficStats stats = new TrafficStats();
    for (int i = 0; i < 4; i++) {
      stats.sent();
    }
    stats.predicted(answer("v1.0", "fraud"), true);
    stats.predicted(answer("v1.0", "legitimate"), true);
    stats.predicted(answer("v2.0", "legitimate"), false);
    stats.predicted(PredictResult.failed(Outcome.UNAVAILABLE, 503, "HTTP 503"), false);
    stats.skipped();
    stats.feedback(Outcome.OK);
    stats.feedback(Outcome.REJECTED);

    TrafficStats.Snapshot snapshot = stats.snapshot();

    assertThat(snapshot.sent()).isEqualTo(4);
    assertThat(snapshot.ok()).isEqualTo(3);
    assertThat(snapshot.failed()).isEqualTo(1);
    assertThat(snapshot.lastFailure()).isEqualTo("HTTP 503");
    assertThat(snapshot.versions().get("v1.0").accuracy()).isEqualTo(0.5);
    assertThat(snapshot.versions().get("v2.0").accuracy()).isEqualTo(1.0);
    assertThat(snapshot.line(Duration.ofSeconds(12)))
        .isEqualTo(
            "  12s sent=4 ok=3 unavailable=1 skipped=1 feedback=1 feedback_failed=1"
                + " | v1.0: 2 served, accuracy 0.500 | v2.0: 1 served, accuracy 1.000");
  }

  @Test
  void emptyRunHasNoAccuracy() {
    TrafficStats.Snapshot snapshot = new TrafficStats().snapshot();

    assertThat(snapshot.ok()).isZero();
    assertThat(snapshot.line(Duration.ZERO)).isEqualTo("   0s sent=0 ok=0 feedback=0");
    assertThat(new TrafficStats.VersionCount(0, 0).accuracy()).isNaN();
  }
}
