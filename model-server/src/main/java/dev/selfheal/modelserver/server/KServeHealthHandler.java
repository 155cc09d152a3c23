package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.lifecycle.Probes;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.List;
import java.util.Map;

/**
 * KServe Open Inference Protocol v2 server endpoints: {@code GET /v2} (server metadata), {@code GET
 * /v2/health/live} and {@code GET /v2/health/ready}, backed by the same probes as {@code /health}
 * and {@code /ready}. Each method is one route's handler.
 */
final class KServeHealthHandler {
  /** Protocol extensions {@code GET /v2} advertises (named as Triton names them). */
  static final List<String> EXTENSIONS = List.of("binary_tensor_data");

  private final Probes probes;
  private final String version;

  KServeHealthHandler(Probes probes, String version) {
    this.probes = probes;
    this.version = version;
  }

  /** {@code GET /v2}. */
  Reply serverMetadata(Request request) {
    return Reply.json(200, new ServerMetadata("model-server", version, EXTENSIONS));
  }

  /** {@code GET /v2/health/live}. */
  Reply live(Request request) {
    boolean live = probes.liveness().pass();
    return Reply.json(live ? 200 : 503, Map.of("live", live));
  }

  /** {@code GET /v2/health/ready}. */
  Reply ready(Request request) {
    boolean ready = probes.readiness().pass();
    return Reply.json(ready ? 200 : 503, Map.of("ready", ready));
  }

  /**
   * OIP server metadata.
   *
   * @param name server name
   * @param version server (model) version
   * @param extensions supported protocol extensions
   */
  record ServerMetadata(String name, String version, List<String> extensions) {}
}
