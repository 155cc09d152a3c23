package dev.selfheal.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The old baseline: the JDK {@code HttpServer} with a fixed pool of four threads, as the services
 * ran before service-runtime. It reads request heads and bodies on the pool's threads, blocking.
 * Run it with {@code -Dsun.net.httpserver.nodelay=true}.
 */
final class JdkServer {
  private static final int THREADS = 4;

  private JdkServer() {}

  static void start(int port, Endpoints endpoints) throws IOException {
    if (!Boolean.getBoolean("sun.net.httpserver.nodelay")) {
      System.err.println(
          "warning: -Dsun.net.httpserver.nodelay=true is not set; keep-alive answers will wait"
              + " for delayed ACKs");
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    server.setExecutor(pool);
    server.createContext("/", exchange -> handle(exchange, endpoints));
    server.start();
  }

  private static void handle(HttpExchange exchange, Endpoints endpoints) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Endpoints.Answer answer =
          switch (endpoints.route(method, path)) {
            case HEALTH -> endpoints.health();
            case ECHO -> echo(exchange, endpoints);
            case METHOD_NOT_ALLOWED -> endpoints.methodNotAllowed();
            case NOT_FOUND -> endpoints.notFound();
          };
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), answer.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  private static Endpoints.Answer echo(HttpExchange exchange, Endpoints endpoints)
      throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(Endpoints.MAX_BODY + 1);
      return body.length > Endpoints.MAX_BODY ? endpoints.tooLarge() : endpoints.echo(body);
    }
  }
}
