package dev.selfheal.recommender.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.runtime.http.Handler;
import dev.selfheal.runtime.http.HttpError;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Request;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/faults} shows the switches; {@code POST /admin/faults} with a JSON object such
 * as {@code {"outage": true}} or {@code {"latencyMs": 800, "errorRate": 0.5}} changes the fields
 * given.
 */
final class AdminFaultsHandler implements Handler {

  private static final Logger LOG = LoggerFactory.getLogger(AdminFaultsHandler.class);

  /** Largest accepted body. */
  static final int MAX_BODY = 4096;

  private final ObjectMapper mapper;
  private final AtomicReference<Faults> faults;

  AdminFaultsHandler(ObjectMapper mapper, AtomicReference<Faults> faults) {
    this.mapper = mapper;
    this.faults = faults;
  }

  @Override
  public Reply handle(Request request) {
    if ("POST".equals(request.method())) {
      Faults updated = merge(faults.get(), readBody(request.body()));
      faults.set(updated);
      LOG.info("Fault switches changed: {}", updated);
    }
    return Reply.json(200, faults.get());
  }

  private JsonNode readBody(byte[] body) {
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (IOException e) {
      throw HttpError.badRequest("body", "body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest("body", "body must be a JSON object");
    }
    return node;
  }

  static Faults merge(Faults current, JsonNode node) {
    long latency = current.latencyMs();
    double errorRate = current.errorRate();
    boolean outage = current.outage();
    if (node.has("latencyMs")) {
      if (!node.get("latencyMs").isIntegralNumber()) {
        throw HttpError.badRequest("latencyMs", "latencyMs must be an integer");
      }
      latency = node.get("latencyMs").asLong();
    }
    if (node.has("errorRate")) {
      if (!node.get("errorRate").isNumber()) {
        throw HttpError.badRequest("errorRate", "errorRate must be a number in [0, 1]");
      }
      errorRate = node.get("errorRate").asDouble();
    }
    if (node.has("outage")) {
      if (!node.get("outage").isBoolean()) {
        throw HttpError.badRequest("outage", "outage must be true or false");
      }
      outage = node.get("outage").asBoolean();
    }
    try {
      return new Faults(latency, errorRate, outage);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().substring(0, e.getMessage().indexOf(' '));
      throw HttpError.badRequest(field, e.getMessage());
    }
  }
}
