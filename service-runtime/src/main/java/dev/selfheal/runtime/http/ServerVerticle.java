package dev.selfheal.runtime.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server on one event loop. The service deploys one instance per loop, all on the same
 * port: Vert.x hands each new connection to the next instance in turn, so connections (and the work
 * of reading, decoding and answering them) spread over every loop.
 */
final class ServerVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(ServerVerticle.class);

  private final Shared shared;
  private final HttpServerOptions options;
  private final List<HttpServer> started;

  ServerVerticle(Shared shared, HttpServerOptions options, List<HttpServer> started) {
    this.shared = shared;
    this.options = options;
    this.started = started;
  }

  @Override
  public void start(Promise<Void> promise) {
    HttpServer server = vertx.createHttpServer(options);
    server.connectionHandler(this::guard);
    server.requestHandler(request -> new Exchange(shared, request, guardOf(request)).start());
    server.invalidRequestHandler(this::invalid);
    server
        .listen()
        .onSuccess(
            listening -> {
              started.add(listening);
              promise.complete();
            })
        .onFailure(promise::fail);
  }

  private void guard(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    HttpLimits limits = shared.limits();
    Channel channel = base.channel();
    shared.acceptedOn(channel.parent());
    // A client that shuts down its sending side after a request still gets the answer.
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    ConnectionGuard guard =
        new ConnectionGuard(
            limits.headerTimeout(),
            limits.idleTimeout(),
            shared.answers().headerTimeout(),
            shared.observer());
    channel.pipeline().addFirst("selfheal-guard", guard);
    if (channel.pipeline().get("httpDecoder") != null) {
      channel
          .pipeline()
          .addAfter(
              "httpDecoder",
              "selfheal-version",
              new VersionCheck(guard, shared.answers().version()));
      RequestFlow flow = new RequestFlow(guard, shared.answers());
      guard.flow(flow);
      channel.pipeline().addAfter("selfheal-version", "selfheal-flow", flow);
    }
    if (!shared.connections().admit(guard, channel)) {
      guard.refuse(shared.answers().tooManyConnections());
    }
  }

  static ConnectionGuard guardOf(HttpServerRequest request) {
    return request.connection() instanceof ConnectionBase base
        ? base.channel().attr(ConnectionGuard.KEY).get()
        : null;
  }

  private void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    HttpError error;
    if (cause instanceof TooLongHttpLineException) {
      error =
          new HttpError(
              414,
              "uri_too_long",
              null,
              "request line longer than " + shared.limits().maxRequestLineBytes() + " bytes",
              Map.of());
    } else if (cause instanceof TooLongHttpHeaderException) {
      error =
          new HttpError(
              431,
              "header_fields_too_large",
              null,
              "request headers larger than " + shared.limits().maxHeaderBytes() + " bytes",
              Map.of());
    } else {
      error = HttpError.badRequest(null, "malformed HTTP request");
    }
    LOG.debug("Malformed request answered with {}: {}", error.status(), String.valueOf(cause));
    byte[] body;
    try {
      body = shared.json().writeValueAsBytes(error.body());
    } catch (Exception e) {
      throw new IllegalStateException("cannot encode an error body", e);
    }
    ConnectionGuard guard = guardOf(request);
    if (guard != null) {
      guard.observe(request.method() == null ? "UNKNOWN" : request.method().name(), error.status());
    }
    request
        .response()
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(Buffer.buffer(body))
        .onComplete(
            done -> {
              if (guard != null) {
                guard.lingerClose();
              } else {
                request.connection().close();
              }
            });
  }
}
