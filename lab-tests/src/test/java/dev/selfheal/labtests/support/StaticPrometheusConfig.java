package dev.selfheal.labtests.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A minimal prometheus.yml for a {@link PrometheusProcess}: one job scraping static targets with
 * fixed labels (for instance the {@code namespace}, {@code pod} and {@code deployment} the chart's
 * relabelling would attach), rule files, and optionally one Alertmanager. For the lab's full
 * rendered configuration use {@code dev.selfheal.labtests.prometheus.LabMonitoring} instead.
 */
public final class StaticPrometheusConfig {

  private final Duration interval;
  private final String jobName;
  private final List<String> targets = new ArrayList<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final List<Path> ruleFiles = new ArrayList<>();
  private String alertmanager;

  private StaticPrometheusConfig(String jobName, Duration interval) {
    this.jobName = jobName;
    this.interval = interval;
  }

  /**
   * A configuration scraping and evaluating every {@code interval} (whole seconds, at least 1 s;
   * the scrape timeout equals the interval).
   */
  public static StaticPrometheusConfig job(String jobName, Duration interval) {
    Objects.requireNonNull(jobName, "jobName");
    if (interval.toSeconds() < 1 || interval.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(
          "interval must be whole seconds, at least 1 s: " + interval);
    }
    return new StaticPrometheusConfig(jobName, interval);
  }

  /** Adds a {@code host:port} target. */
  public StaticPrometheusConfig target(String hostPort) {
    if (!hostPort.matches("[^:/]+:\\d+")) {
      throw new IllegalArgumentException("target must be host:port, was " + hostPort);
    }
    targets.add(hostPort);
    return this;
  }

  /** Adds a label to every target of the job. */
  public StaticPrometheusConfig label(String name, String value) {
    labels.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
    return this;
  }

  /** Adds a rule file. */
  public StaticPrometheusConfig ruleFile(Path file) {
    ruleFiles.add(file.toAbsolutePath());
    return this;
  }

  /** Sends alerts to the Alertmanager at {@code host:port}. */
  public StaticPrometheusConfig alertmanager(String hostPort) {
    this.alertmanager = Objects.requireNonNull(hostPort);
    return this;
  }

  /** Writes the configuration to {@code file} and returns it. */
  public Path writeTo(Path file) {
    if (targets.isEmpty()) {
      throw new IllegalStateException("no target: call target(host:port)");
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectNode root = yaml.createObjectNode();
    String seconds = interval.toSeconds() + "s";
    root.putObject("global")
        .put("scrape_interval", seconds)
        .put("scrape_timeout", seconds)
        .put("evaluation_interval", seconds);
    ArrayNode rules = root.putArray("rule_files");
    ruleFiles.forEach(f -> rules.add(f.toString()));
    ObjectNode job = root.putArray("scrape_configs").addObject().put("job_name", jobName);
    ObjectNode group = job.putArray("static_configs").addObject();
    ArrayNode t = group.putArray("targets");
    targets.forEach(t::add);
    ObjectNode l = group.putObject("labels");
    labels.forEach(l::put);
    if (alertmanager != null) {
      root.putObject("alerting")
          .putArray("alertmanagers")
          .addObject()
          .putArray("static_configs")
          .addObject()
          .putArray("targets")
          .add(alertmanager);
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      yaml.writeValue(file.toFile(), root);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
