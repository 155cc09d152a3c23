package dev.selfheal.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every {@link Exchange} of an {@link HttpService} shares, across all its event loops: the
 * routes, limits and mappers it was built with, the pre-rendered answers, the connection table, the
 * count of requests in progress and whether a drain has begun.
 */
final class Shared {
  private final Vertx vertx;
  private final Routes routes;
  private final HttpLimits limits;
  private final ErrorMapper errors;
  private final ObjectMapper json;
  private final RequestObserver observer;
  private final RawAnswers answers;
  private final ConnectionTable connections;
  private final AtomicInteger active = new AtomicInteger();
  private final Set<Channel> listening = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;

  Shared(
      Vertx vertx,
      Routes routes,
      HttpLimits limits,
      ErrorMapper errors,
      ObjectMapper json,
      RequestObserver observer) {
    this.vertx = vertx;
    this.routes = routes;
    this.limits = limits;
    this.errors = errors;
    this.json = json;
    this.observer = observer;
    this.answers = RawAnswers.of(limits, json);
    this.connections = new ConnectionTable(limits.maxConnections(), answers.tooManyConnections());
  }

  Vertx vertx() {
    return vertx;
  }

  Routes routes() {
    return routes;
  }

  HttpLimits limits() {
    return limits;
  }

  ErrorMapper errors() {
    return errors;
  }

  ObjectMapper json() {
    return json;
  }

  RequestObserver observer() {
    return observer;
  }

  RawAnswers answers() {
    return answers;
  }

  ConnectionTable connections() {
    return connections;
  }

  boolean draining() {
    return draining;
  }

  /** From now on every answer says {@code Connection: close} (a drain or a stop has begun). */
  void startDraining() {
    draining = true;
  }

  void started() {
    active.incrementAndGet();
  }

  void finished() {
    active.decrementAndGet();
  }

  int active() {
    return active.get();
  }

  /** Notes the listening socket a connection was accepted on (the drain closes it first). */
  void acceptedOn(Channel server) {
    if (server != null) {
      listening.add(server);
    }
  }

  Set<Channel> listening() {
    return listening;
  }
}
