package dev.selfheal.labtests.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules the lab's dashboard follows (issue 13), as a checker that lists every breach, so a test
 * can show both that the committed dashboard passes and that a broken one is caught.
 */
final class DashboardRules {

  /** Grafana 11.0 writes schema 39; Grafana 13 still loads it and migrates it up. */
  static final int MIN_SCHEMA = 39;

  static final int MAX_SCHEMA = 42;

  static final int GRID_COLUMNS = 24;

  static final int MAX_DESCRIPTION = 160;

  /** Queries that may look past the chosen Deployment: controller-wide counters without labels. */
  static final Set<String> CONTROLLER_WIDE = Set.of("Rollback controller decisions [C]");

  /** Range selectors allowed: Grafana's own, and the 5 m of ModelServerRestarting. */
  static final Set<String> RANGES = Set.of("$__rate_interval", "5m");

  // A range selector follows a label matcher: "...}[5m]" (a "[^-]" inside a regex does not).
  private static final Pattern RANGE = Pattern.compile("}\\s*\\[([^\\]]+)]");

  private DashboardRules() {}

  /** Every rule {@code dashboard} breaks, one line each; empty when it follows them all. */
  static List<String> problems(JsonNode dashboard) {
    List<String> problems = new ArrayList<>();
    int schema = dashboard.path("schemaVersion").asInt();
    if (schema < MIN_SCHEMA || schema > MAX_SCHEMA) {
      problems.add("schemaVersion " + schema + " is not Grafana 11 to 13's");
    }
    for (String field : List.of("uid", "title")) {
      if (dashboard.path(field).asText().isBlank()) {
        problems.add("no " + field);
      }
    }
    datasources(dashboard, "dashboard", problems);
    variables(dashboard, problems);
    panels(dashboard, problems);
    for (Dashboard.Query query : Dashboard.queries(dashboard)) {
      if (query.expr().isBlank()) {
        problems.add(query + ": no expr");
        continue;
      }
      if (!CONTROLLER_WIDE.contains(query.toString())
          && !(query.expr().contains("$namespace") && query.expr().contains("$deployment"))) {
        problems.add(query + ": not limited to $namespace and $deployment");
      }
      Matcher range = RANGE.matcher(query.expr());
      while (range.find()) {
        if (!RANGES.contains(range.group(1))) {
          problems.add(query + ": range [" + range.group(1) + "] instead of [$__rate_interval]");
        }
      }
    }
    return problems;
  }

  /**
   * Every {@code datasource} object below {@code node} names the Prometheus variable, never a uid.
   */
  private static void datasources(JsonNode node, String where, List<String> problems) {
    if (node.isObject()) {
      JsonNode ds = node.get("datasource");
      if (ds != null && ds.isObject()) {
        if (!Dashboard.DATASOURCE_VARIABLE.equals(ds.path("uid").asText())
            || !"prometheus".equals(ds.path("type").asText())) {
          problems.add(where + ": datasource " + ds + " is not the ${datasource} variable");
        }
      } else if (ds != null && !"datasource".equals(node.path("type").asText())) {
        problems.add(where + ": datasource " + ds + " is not the ${datasource} variable");
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String title = field.getValue().path("title").asText(field.getKey());
        datasources(field.getValue(), where + "/" + title, problems);
      }
    } else if (node.isArray()) {
      int i = 0;
      for (JsonNode element : node) {
        datasources(element, where + "[" + i++ + "]", problems);
      }
    }
  }

  private static void variables(JsonNode dashboard, List<String> problems) {
    JsonNode datasource = variable(dashboard, "datasource");
    if (datasource == null
        || !"datasource".equals(datasource.path("type").asText())
        || !"prometheus".equals(datasource.path("query").asText())) {
      problems.add("no variable datasource of type datasource for prometheus");
    }
    for (String name : List.of("namespace", "deployment")) {
      JsonNode variable = variable(dashboard, name);
      if (variable == null || !"query".equals(variable.path("type").asText())) {
        problems.add("no query variable " + name);
        continue;
      }
      String query = variable.path("query").asText();
      if (!query.startsWith("label_values(") || !query.endsWith(", " + name + ")")) {
        problems.add("variable " + name + " does not list label_values of " + name);
      }
      if (name.equals("deployment") && !query.contains("namespace=\"$namespace\"")) {
        problems.add("variable deployment does not depend on $namespace");
      }
    }
  }

  private static JsonNode variable(JsonNode dashboard, String name) {
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("name").asText().equals(name)) {
        return variable;
      }
    }
    return null;
  }

  private static void panels(JsonNode dashboard, List<String> problems) {
    Set<Integer> ids = new HashSet<>();
    Set<String> cells = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      String title = panel.path("title").asText();
      if (!ids.add(panel.path("id").asInt())) {
        problems.add(title + ": id " + panel.path("id") + " used twice");
      }
      String description = panel.path("description").asText();
      if (description.isBlank()
          || description.contains("\n")
          || description.length() > MAX_DESCRIPTION
          || !description.endsWith(".")) {
        problems.add(title + ": description is not one line (<= 160 characters, ending in '.')");
      }
      if (!panel.path("targets").elements().hasNext()) {
        problems.add(title + ": no query");
      }
      JsonNode grid = panel.path("gridPos");
      int x = grid.path("x").asInt();
      int y = grid.path("y").asInt();
      int w = grid.path("w").asInt();
      int h = grid.path("h").asInt();
      if (w <= 0 || h <= 0 || x < 0 || x + w > GRID_COLUMNS) {
        problems.add(title + ": gridPos " + grid + " outside the 24-column grid");
      }
      boolean overlaps = false;
      for (int cx = x; cx < x + w; cx++) {
        for (int cy = y; cy < y + h; cy++) {
          overlaps |= !cells.add(cx + "," + cy);
        }
      }
      if (overlaps) {
        problems.add(title + ": overlaps another panel");
      }
    }
  }
}
