package dev.selfheal.labtests.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.grafana.Dashboard;
import dev.selfheal.labtests.support.RepoPaths;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One recorded {@link SelfHealingRun} (v1 under traffic, v2, alerts, the controller's rollback, v1
 * again) checks two things against the real Prometheus that recorded it:
 *
 * <ul>
 *   <li>every query of the Grafana dashboard parses, and returns data wherever a learner would see
 *       data during such a run;
 *   <li>the timeline picture is drawn from it, with the series the README describes.
 * </ul>
 *
 * <p>{@code scripts/timeline.sh} runs this class with {@code -Dtimeline.timing=LAB} (the cluster's
 * 5 s intervals and full {@code for}) and {@code -Dtimeline.output=docs/self-healing-timeline.png}
 * to redraw the picture in the docs.
 */
class SelfHealingRunE2E {

  /**
   * Queries that cannot have data here, and why. Everything else must return data.
   *
   * <ul>
   *   <li>kube-state-metrics describes Kubernetes objects; this run has no cluster, so no
   *       kube-state-metrics (its names are checked in DashboardTest).
   *   <li>The controller runs with DRY_RUN off, as in k8s/rollback-controller.yaml, so it never
   *       counts a dry-run rollback.
   * </ul>
   */
  static final Set<String> NO_DATA_WITHOUT_A_CLUSTER =
      Set.of(
          "Ready vs desired replicas [A]",
          "Ready vs desired replicas [B]",
          "Container restarts in the last 5 minutes, per pod [A]",
          "Rollback controller decisions [B]");

  @TempDir Path dir;

  @Test
  void everyDashboardQueryAnswersAndTheTimelineShowsTheRollback() throws Exception {
    SelfHealingRun.Timing timing =
        SelfHealingRun.Timing.valueOf(System.getProperty("timeline.timing", "FAST"));
    Path png =
        Path.of(
            System.getProperty(
                "timeline.output",
                RepoPaths.target().resolve("self-healing-timeline.png").toString()));
    try (SelfHealingRun run = SelfHealingRun.start(dir, timing)) {
      SelfHealingRun.Moments moments = run.play();
      assertThat(run.template()).isEqualTo(run.v1Template());
      assertThat(moments.rollback()).isAfter(moments.rollout());
      System.out.printf(
          "timeline (%s): v1 for %d s, rollback %.1f s after the v2 rollout, run ended %.1f s after"
              + " it%n",
          timing,
          Duration.between(moments.start(), moments.rollout()).toSeconds(),
          Duration.between(moments.rollout(), moments.rollback()).toMillis() / 1000.0,
          Duration.between(moments.rollout(), moments.end()).toMillis() / 1000.0);
      long[] traffic = run.traffic();
      assertThat(traffic[1]).as("predictions served").isGreaterThan(traffic[0] / 2);

      Duration lookback = Duration.between(moments.start(), moments.end()).plusSeconds(10);
      List<String> empty = new ArrayList<>();
      for (Dashboard.Query query : Dashboard.queries(Dashboard.load())) {
        String promql =
            query.resolve(
                SelfHealingRun.NAMESPACE, SelfHealingRun.DEPLOYMENT, timing.rateInterval());
        // queryRange fails the test if Prometheus rejects the query.
        JsonNode result = run.prometheus().queryRange(promql, lookback);
        boolean expectData = !NO_DATA_WITHOUT_A_CLUSTER.contains(query.toString());
        if (expectData && result.isEmpty()) {
          empty.add(query + ": " + promql);
        }
        if (!expectData) {
          assertThat(result).as("%s has data although nothing here exports it", query).isEmpty();
        }
      }
      assertThat(empty).as("dashboard queries without data").isEmpty();
      panelsShowTheRun(run);

      Map<String, XYSeriesCollection> drawn =
          TimelineChart.render(run.prometheus().uri(""), moments, timing, png);
      assertThat(seriesNames(drawn.get("Accuracy"))).containsExactly("v1.0", "v2.0");
      assertThat(seriesNames(drawn.get("Alert state")))
          .contains("ModelAccuracyLow", "ModelDegraded");
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(TimelineChart.WIDTH);
      assertThat(image.getHeight()).isEqualTo(TimelineChart.HEIGHT);
    }
  }

  /** The dashboard's panels show what the guide says a learner sees. */
  private static void panelsShowTheRun(SelfHealingRun run) {
    Duration lookback = Duration.ofMinutes(10);
    String ns = SelfHealingRun.NAMESPACE;
    String name = SelfHealingRun.DEPLOYMENT;
    String rate = run.timing().rateInterval();
    JsonNode dashboard = Dashboard.load();
    Map<String, Dashboard.Query> byName = new java.util.HashMap<>();
    Dashboard.queries(dashboard).forEach(q -> byName.put(q.toString(), q));

    JsonNode accuracy =
        run.prometheus()
            .queryRange(
                byName.get("Accuracy by model version [A]").resolve(ns, name, rate), lookback);
    assertThat(accuracy.findValuesAsText("version")).contains("v1.0", "v2.0");
    for (JsonNode series : accuracy) {
      double low = 1;
      for (JsonNode point : series.path("values")) {
        low = Math.min(low, point.get(1).asDouble());
      }
      if (series.path("metric").path("version").asText().equals("v2.0")) {
        assertThat(low).as("v2 below the threshold").isLessThan(0.90);
      }
    }
    JsonNode alerts =
        run.prometheus()
            .queryRange(
                byName.get("Alerts about this Deployment [A]").resolve(ns, name, rate), lookback);
    assertThat(alerts.findValuesAsText("alertname")).contains("ModelDegraded", "ModelAccuracyLow");
    assertThat(alerts.toString()).as("some alert reached firing (2)").contains("\"2\"");
    JsonNode rollbacks =
        run.prometheus()
            .queryRange(
                byName.get("Rollback controller decisions [A]").resolve(ns, name, rate), lookback);
    assertThat(rollbacks.findValuesAsText("reason")).singleElement().asString().startsWith("Model");
    assertThat(
            run.prometheus()
                .queryRange(
                    byName.get("annotation: Rollbacks [-]").resolve(ns, name, rate), lookback))
        .as("the rollback marker")
        .isNotEmpty();
  }

  private static List<String> seriesNames(XYSeriesCollection data) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      names.add(data.getSeriesKey(i).toString());
    }
    return names;
  }
}
