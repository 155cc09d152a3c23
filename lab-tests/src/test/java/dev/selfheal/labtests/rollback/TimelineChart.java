package dev.selfheal.labtests.rollback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.selfheal.labtests.support.HttpJson;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.RangeType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws a recorded {@link SelfHealingRun} as one PNG: stacked panels on a shared time axis (seconds
 * since the v2 rollout), each read back from Prometheus with {@code query_range}, and a marker at
 * the rollout and at the controller's rollback on every panel.
 */
public final class TimelineChart {

  static final int WIDTH = 1200;
  static final int HEIGHT = 1100;

  private static final int RATE_NOTE = SelfHealingRun.RATE;

  private static final String SELECTOR =
      "namespace=\""
          + SelfHealingRun.NAMESPACE
          + "\", deployment=\""
          + SelfHealingRun.DEPLOYMENT
          + "\"";

  /** One panel of the picture: the query, its series' names, and its y axis. */
  record Panel(
      String title,
      String promql,
      Function<JsonNode, String> name,
      double min,
      double max,
      double threshold) {}

  /** The panels, top to bottom. */
  static List<Panel> panels(String rateInterval) {
    return List.of(
        new Panel(
            "Accuracy",
            "avg by (version) (model_accuracy{" + SELECTOR + "})",
            m -> m.path("version").asText(),
            0.5,
            1.0,
            0.90),
        new Panel(
            "Error rate",
            "max by (version) (model_error_rate{" + SELECTOR + "})",
            m -> m.path("version").asText(),
            0,
            0.2,
            0.10),
        new Panel(
            "Predictions/s",
            "sum by (version) (rate(model_requests_total{" + SELECTOR + "}[" + rateInterval + "]))",
            m -> m.path("version").asText(),
            0,
            Double.NaN,
            Double.NaN),
        new Panel(
            "In flight",
            "sum by (version) (model_requests_in_flight{" + SELECTOR + "})",
            m -> m.path("version").asText(),
            0,
            Double.NaN,
            Double.NaN),
        new Panel(
            "Alert state",
            "max by (alertname) (ALERTS{"
                + SELECTOR
                + ", alertstate=\"firing\"}) * 2 or max by (alertname) (ALERTS{"
                + SELECTOR
                + ", alertstate=\"pending\"})",
            m -> m.path("alertname").asText(),
            0,
            2.2,
            Double.NaN));
  }

  private TimelineChart() {}

  /**
   * Reads the run back from {@code prometheus} and writes the PNG.
   *
   * @param prometheus base URI of the Prometheus that recorded the run
   * @return the data drawn, panel title to series
   */
  public static Map<String, XYSeriesCollection> render(
      URI prometheus, SelfHealingRun.Moments moments, SelfHealingRun.Timing timing, Path png)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    double zero = seconds(moments.rollout());
    double rollback = seconds(moments.rollback()) - zero;
    NumberAxis time = new NumberAxis("seconds since v2 was deployed");
    CombinedDomainXYPlot combined = new CombinedDomainXYPlot(time);
    combined.setGap(12);
    Map<String, XYSeriesCollection> drawn = new TreeMap<>();
    for (Panel panel : panels(timing.rateInterval())) {
      XYSeriesCollection data = series(prometheus, panel, moments, zero);
      drawn.put(panel.title(), data);
      combined.add(plot(panel, data, rollback), panel.title().startsWith("Alert") ? 3 : 2);
    }
    time.setRange(seconds(moments.start()) - zero, seconds(moments.end()) - zero);
    // Each panel lists its own series; the legend names each version and alert once.
    LegendItemCollection unique = new LegendItemCollection();
    Set<String> seen = new HashSet<>();
    LegendItemCollection all = combined.getLegendItems();
    for (int i = 0; i < all.getItemCount(); i++) {
      LegendItem legend = all.get(i);
      if (seen.add(legend.getLabel())) {
        unique.add(legend);
      }
    }
    combined.setFixedLegendItems(unique);
    JFreeChart chart =
        new JFreeChart(
            "A self-healing run: v1, the v2 rollout, the automatic rollback",
            new Font(Font.SANS_SERIF, Font.BOLD, 18),
            combined,
            true);
    chart.addSubtitle(
        new TextTitle(
            "Real model servers, Prometheus, Alertmanager and rollback controller; "
                + RATE_NOTE
                + " predictions/s; scrapes and rule evaluations every "
                + timing.scrapeInterval().toSeconds()
                + " s"
                + (timing == SelfHealingRun.Timing.FAST
                    ? ", alert for: divided by 5, Alertmanager grouping 1 s"
                    : ", alert rules and Alertmanager routes as in the lab"),
            new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    return drawn;
  }

  private static XYPlot plot(Panel panel, XYSeriesCollection data, double rollback) {
    NumberAxis y;
    if (panel.title().startsWith("Alert")) {
      y = new SymbolAxis(panel.title(), new String[] {"inactive", "pending", "firing"});
    } else {
      y = new NumberAxis(panel.title());
      y.setAutoRangeIncludesZero(panel.min() == 0);
    }
    y.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    if (!Double.isNaN(panel.max())) {
      y.setRange(panel.min(), panel.max());
    } else {
      // An all-zero series (nothing in flight) still gets a readable axis.
      y.setAutoRangeMinimumSize(5);
      y.setRangeType(RangeType.POSITIVE);
      y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    }
    XYLineAndShapeRenderer renderer =
        panel.title().startsWith("Alert") ? new XYStepRenderer() : new XYLineAndShapeRenderer();
    renderer.setDefaultShapesVisible(false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2.2f));
      renderer.setSeriesPaint(i, colour(data.getSeriesKey(i).toString(), i));
    }
    XYPlot plot = new XYPlot(data, null, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.addDomainMarker(marker(0, "v2 deployed", new Color(0x99, 0x99, 0x99)));
    plot.addDomainMarker(marker(rollback, "rolled back", new Color(0xC0, 0x20, 0x20)));
    if (!Double.isNaN(panel.threshold())) {
      ValueMarker threshold = new ValueMarker(panel.threshold());
      threshold.setPaint(Color.DARK_GRAY);
      threshold.setLabel(
          String.format(java.util.Locale.ROOT, "alert threshold %.2f", panel.threshold()));
      threshold.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      threshold.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      threshold.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
      threshold.setStroke(
          new BasicStroke(
              1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
      plot.addRangeMarker(threshold);
    }
    return plot;
  }

  private static ValueMarker marker(double x, String label, Color colour) {
    ValueMarker marker = new ValueMarker(x);
    marker.setPaint(colour);
    marker.setStroke(new BasicStroke(2f));
    marker.setLabel(label);
    marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    marker.setLabelPaint(colour);
    marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    return marker;
  }

  private static Color colour(String key, int index) {
    if (key.startsWith("v1")) {
      return new Color(0x1F, 0x77, 0xB4);
    }
    if (key.startsWith("v2")) {
      return new Color(0xD6, 0x27, 0x28);
    }
    Color[] others = {
      new Color(0xFF, 0x7F, 0x0E), new Color(0x94, 0x67, 0xBD), new Color(0x2C, 0xA0, 0x2C)
    };
    return others[index % others.length];
  }

  /** The panel's query over the run; alert series are 0 where Prometheus has no sample. */
  static XYSeriesCollection series(
      URI prometheus, Panel panel, SelfHealingRun.Moments moments, double zero) {
    // One-second steps for every panel, whatever the scrape interval: each point is the latest
    // sample at that second, so a change shows within a second of the scrape or evaluation that
    // made it, and the panels line up on the shared axis.
    long step = 1;
    long start = (long) Math.floor(seconds(moments.start()));
    long end = (long) Math.ceil(seconds(moments.end()));
    JsonNode body =
        HttpJson.get(
            prometheus.resolve(
                "/api/v1/query_range?query="
                    + URLEncoder.encode(panel.promql(), StandardCharsets.UTF_8)
                    + "&start="
                    + start
                    + "&end="
                    + end
                    + "&step="
                    + step));
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalStateException(panel.title() + ": " + body);
    }
    boolean alerts = alerts(panel);
    List<XYSeries> all = new ArrayList<>();
    for (JsonNode result : body.path("data").path("result")) {
      XYSeries series = new XYSeries(panel.name().apply(result.path("metric")), true, false);
      Map<Long, Double> values = new TreeMap<>();
      for (JsonNode point : result.path("values")) {
        values.put(point.get(0).asLong(), Double.parseDouble(point.get(1).asText()));
      }
      for (long t = start; t <= end; t += step) {
        Double v = values.get(t);
        if (v != null) {
          series.add(t - zero, v);
        } else if (alerts) {
          series.add(t - zero, 0.0);
        } else {
          // A gap: the series had no sample (pod not there), drawn as a break in the line.
          series.add(t - zero, null);
        }
      }
      all.add(series);
    }
    all.sort(java.util.Comparator.comparing(s -> s.getKey().toString()));
    XYSeriesCollection collection = new XYSeriesCollection();
    all.forEach(collection::addSeries);
    return collection;
  }

  private static boolean alerts(Panel panel) {
    return panel.title().startsWith("Alert");
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }
}
