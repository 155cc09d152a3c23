package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.selfheal.modelserver.inference.InferenceEngine;
import dev.selfheal.modelserver.lifecycle.Lifecycle;
import dev.selfheal.modelserver.model.FraudModel;
import dev.selfheal.modelserver.model.ModelProvenance;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.util.List;

/** {@code GET /}: service name, version, phase, model provenance and endpoints. */
final class InfoHandler implements Handler {
  private final InferenceEngine engine;
  private final Lifecycle lifecycle;
  private final String version;
  private final List<String> endpoints;

  InfoHandler(InferenceEngine engine, Lifecycle lifecycle, String version, List<String> endpoints) {
    this.engine = engine;
    this.lifecycle = lifecycle;
    this.version = version;
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public Reply handle(Request request) {
    ModelProvenance provenance = engine.model().map(FraudModel::provenance).orElse(null);
    return Reply.json(
        200, new Info("model-server", version, lifecycle.phase().name(), provenance, endpoints));
  }

  /**
   * Body of {@code GET /}.
   *
   * @param service service name
   * @param version model version
   * @param phase lifecycle phase
   * @param model provenance of the loaded model, omitted while loading
   * @param endpoints what this server answers
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Info(
      String service,
      String version,
      String phase,
      ModelProvenance model,
      List<String> endpoints) {}
}
