package dev.selfheal.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * Vert.x core: the request handler runs on the event loop and the body arrives through {@code
 * request.body()}, so a slow client holds no thread.
 */
final class VertxServer {
  private VertxServer() {}

  static void start(int port, Endpoints endpoints) {
    // One event loop per core, as service-runtime configures it.
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors())));
    vertx
        .createHttpServer(
            new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
        .requestHandler(request -> handle(request, endpoints))
        .listen()
        .toCompletionStage()
        .toCompletableFuture()
        .join();
  }

  private static void handle(HttpServerRequest request, Endpoints endpoints) {
    switch (endpoints.route(request.method().name(), request.path())) {
      case HEALTH -> send(request, endpoints.health());
      case ECHO -> {
        if (declaredLength(request) > Endpoints.MAX_BODY) {
          send(request, endpoints.tooLarge());
          return;
        }
        // A chunked body has no declared length: request.body() buffers it, and it is checked
        // after the fact. Good enough for a benchmark whose clients send Content-Length.
        request
            .body()
            .onSuccess(
                body ->
                    send(
                        request,
                        body.length() > Endpoints.MAX_BODY
                            ? endpoints.tooLarge()
                            : endpoints.echo(body.getBytes())))
            .onFailure(failure -> send(request, endpoints.error(400, "body could not be read")));
      }
      case METHOD_NOT_ALLOWED -> send(request, endpoints.methodNotAllowed());
      case NOT_FOUND -> send(request, endpoints.notFound());
    }
  }

  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void send(HttpServerRequest request, Endpoints.Answer answer) {
    request
        .response()
        .setStatusCode(answer.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(Buffer.buffer(answer.body()));
  }
}
