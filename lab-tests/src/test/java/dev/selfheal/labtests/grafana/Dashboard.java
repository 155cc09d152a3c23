package dev.selfheal.labtests.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.labtests.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's Grafana dashboard, grafana/model-server-dashboard.json, and the PromQL it runs: every
 * panel target and every Prometheus annotation, with Grafana's variables resolved the way Grafana
 * would for one Deployment.
 */
public final class Dashboard {

  /** The dashboard file, relative to the repository root. */
  public static final String FILE = "grafana/model-server-dashboard.json";

  /** The variable every datasource reference must use instead of a uid. */
  public static final String DATASOURCE_VARIABLE = "${datasource}";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Dashboard() {}

  /**
   * One query of the dashboard.
   *
   * @param panel the panel title, or {@code annotation: <name>}
   * @param refId the target's refId ({@code -} for an annotation)
   * @param expr the PromQL as written, with Grafana variables
   */
  public record Query(String panel, String refId, String expr) {

    /**
     * The PromQL Grafana would send for {@code namespace}/{@code deployment}, with {@code
     * $__rate_interval} replaced by {@code rateInterval} (e.g. {@code 20s}).
     */
    public String resolve(String namespace, String deployment, String rateInterval) {
      return expr.replace("$__rate_interval", rateInterval)
          .replace("$namespace", namespace)
          .replace("$deployment", deployment);
    }

    @Override
    public String toString() {
      return panel + " [" + refId + "]";
    }
  }

  /** The dashboard as committed. */
  public static JsonNode load() {
    try {
      return JSON.readTree(RepoPaths.resolve(FILE).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FILE, e);
    }
  }

  /** Every query of {@code dashboard}: panel targets first, then annotations. */
  public static List<Query> queries(JsonNode dashboard) {
    List<Query> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            new Query(
                panel.path("title").asText(),
                target.path("refId").asText(),
                target.path("expr").asText()));
      }
    }
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.has("expr")) {
        queries.add(
            new Query(
                "annotation: " + annotation.path("name").asText(),
                "-",
                annotation.path("expr").asText()));
      }
    }
    return queries;
  }

  /** The panel titled {@code title}. */
  public static JsonNode panel(JsonNode dashboard, String title) {
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("title").asText().equals(title)) {
        return panel;
      }
    }
    throw new IllegalArgumentException("no panel titled " + title + " in " + FILE);
  }
}
