package dev.selfheal.modelserver.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.metrics.BuildInfo;
import dev.selfheal.modelserver.metrics.ModelMetrics;
import dev.selfheal.modelserver.quality.DegradationRule;
import dev.selfheal.modelserver.quality.QualityMonitor;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Before the first self-check nothing has a value yet: the gauges are absent, never NaN. */
class NoNanMetricsTest {
  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void accuracyGaugesAreAbsentUntilAValueExists() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    QualityMonitor quality = new QualityMonitor(10, 10, new DegradationRule(0.9, 0.1));
    ModelMetrics.register(
        registry, "v1.0", quality, Clock.systemUTC(), Instant.now(), BuildInfo.current());

    String before = scrape(registry);
    assertThat(before).doesNotContainIgnoringCase("nan");
    assertThat(before).doesNotContainPattern("(?m)^model_accuracy\\{");
    assertThat(before).doesNotContainPattern("(?m)^model_golden_accuracy\\{");
    assertThat(before).containsPattern("(?m)^model_degraded\\{version=\"v1.0\"} 0.0$");
    assertThat(before).containsPattern("(?m)^model_feedback_labels\\{version=\"v1.0\"} 0.0$");

    quality.recordGolden(true);
    String after = scrape(registry);
    assertThat(after).containsPattern("(?m)^model_accuracy\\{version=\"v1.0\"} 1.0$");
    assertThat(after).containsPattern("(?m)^model_golden_accuracy\\{version=\"v1.0\"} 1.0$");
  }
}
