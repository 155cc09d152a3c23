package dev.selfheal.bench;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;

/**
 * Jetty 12 core, no servlets: a non-blocking {@link Handler} that reads the body with {@link
 * Content.Source#asByteArrayAsync}, so a slow client holds no thread while its bytes trickle in.
 * Thread pool and connector are Jetty's defaults.
 */
final class JettyServer {
  private JettyServer() {}

  static void start(int port, Endpoints endpoints) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new BenchHandler(endpoints));
    server.start();
  }

  private static final class BenchHandler extends Handler.Abstract.NonBlocking {
    private final Endpoints endpoints;

    BenchHandler(Endpoints endpoints) {
      this.endpoints = endpoints;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      switch (endpoints.route(request.getMethod(), path)) {
        case HEALTH -> send(response, callback, endpoints.health());
        case ECHO -> {
          if (request.getLength() > Endpoints.MAX_BODY) {
            send(response, callback, endpoints.tooLarge());
            break;
          }
          // Completes when the last byte arrived. Jetty 12.1 fails it with IllegalStateException once
          // more than MAX_BODY bytes arrived (a chunked body has no length to check up front).
          Content.Source.asByteArrayAsync(
              request,
              Endpoints.MAX_BODY,
              Promise.Invocable.from(
                  Invocable.InvocationType.NON_BLOCKING,
                  body -> send(response, callback, endpoints.echo(body)),
                  failure ->
                      send(
                          response,
                          callback,
                          failure instanceof IllegalStateException
                              ? endpoints.tooLarge()
                              : endpoints.error(400, "body could not be read"))));
        }
        case METHOD_NOT_ALLOWED -> send(response, callback, endpoints.methodNotAllowed());
        case NOT_FOUND -> send(response, callback, endpoints.notFound());
      }
      return true;
    }

    private static void send(Response response, Callback callback, Endpoints.Answer answer) {
      response.setStatus(answer.status());
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
      response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
  }
}
