package dev.selfheal.labtests.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Debian's {@code prometheus} package (the one the tests run) is built without the Kubernetes
 * service discovery: its promtool and server reject {@code kubernetes_sd_configs} as an unknown
 * field. So a rendered configuration is checked and run with each {@code kubernetes_sd_configs}
 * block replaced by a {@code file_sd_configs} block; all the rest (relabelling, intervals, rule
 * files, alerting) stays as rendered and is checked by the real tools.
 *
 * <p>The replaced blocks are validated here instead, against the fields the Kubernetes discovery
 * accepts. In the system tests, a file target carrying the {@code __meta_kubernetes_*} labels that
 * discovery would attach to a pod lets Prometheus run the chart's relabelling unchanged.
 */
final class KubernetesSdSubstitute {

  private static final Set<String> ROLES =
      Set.of("node", "service", "pod", "endpoints", "endpointslice", "ingress");
  private static final Set<String> SD_FIELDS =
      Set.of(
          "role",
          "namespaces",
          "selectors",
          "api_server",
          "kubeconfig_file",
          "attach_metadata",
          "basic_auth",
          "authorization",
          "oauth2",
          "tls_config",
          "bearer_token_file",
          "follow_redirects",
          "enable_http2",
          "proxy_url");
  private static final Set<String> NAMESPACE_FIELDS = Set.of("own_namespace", "names");

  private KubernetesSdSubstitute() {}

  /**
   * Returns a copy of {@code config} in which every {@code kubernetes_sd_configs} (in scrape jobs
   * and in {@code alerting.alertmanagers}) becomes {@code file_sd_configs} reading {@code sdFile},
   * after validating it; throws {@link IllegalArgumentException} naming the job on an invalid
   * block.
   */
  static ObjectNode toFileSd(ObjectNode config, Path sdFile) {
    ObjectNode copy = config.deepCopy();
    for (JsonNode job : copy.path("scrape_configs")) {
      replace((ObjectNode) job, "job " + job.path("job_name").asText(), sdFile);
    }
    for (JsonNode am : copy.path("alerting").path("alertmanagers")) {
      replace((ObjectNode) am, "alerting.alertmanagers", sdFile);
    }
    return copy;
  }

  /** Problems of one {@code kubernetes_sd_configs} entry; empty when valid. */
  static List<String> problems(JsonNode sd) {
    List<String> problems = new ArrayList<>();
    if (!ROLES.contains(sd.path("role").asText())) {
      problems.add("role must be one of " + ROLES + ", was '" + sd.path("role").asText() + "'");
    }
    sd.fieldNames()
        .forEachRemaining(
            f -> {
              if (!SD_FIELDS.contains(f)) {
                problems.add("unknown field " + f);
              }
            });
    JsonNode namespaces = sd.path("namespaces");
    namespaces
        .fieldNames()
        .forEachRemaining(
            f -> {
              if (!NAMESPACE_FIELDS.contains(f)) {
                problems.add("unknown field namespaces." + f);
              }
            });
    if (namespaces.has("own_namespace") && !namespaces.get("own_namespace").isBoolean()) {
      problems.add("namespaces.own_namespace must be a boolean");
    }
    return problems;
  }

  private static void replace(ObjectNode holder, String where, Path sdFile) {
    JsonNode sds = holder.remove("kubernetes_sd_configs");
    if (sds == null) {
      return;
    }
    for (JsonNode sd : sds) {
      List<String> problems = problems(sd);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(where + ": kubernetes_sd_configs " + problems);
      }
    }
    ArrayNode fileSd = holder.putArray("file_sd_configs");
    ObjectNode entry = fileSd.addObject();
    entry.putArray("files").add(sdFile.toString());
    entry.put("refresh_interval", "1s");
  }
}
