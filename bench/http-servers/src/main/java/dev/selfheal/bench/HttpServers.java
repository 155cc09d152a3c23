package dev.selfheal.bench;

import java.util.Locale;

/**
 * Starts one of three HTTP servers that answer the same two endpoints the same way, for {@code
 * bench/http-servers.sh}:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"alive"}}, written with Jackson;
 *   <li>{@code POST /echo}: a JSON body of at most 64 KiB, parsed and written back with Jackson.
 * </ul>
 *
 * <p>Usage: {@code java -jar http-servers-bench.jar vertx|jetty|jdk PORT}. Listens on 127.0.0.1
 * only and runs until the process is stopped.
 */
public final class HttpServers {
  private HttpServers() {}

  /**
   * Entry point.
   *
   * @param args the server name and the port
   * @throws Exception when the server cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: HttpServers vertx|jetty|jdk PORT");
    }
    String name = args[0].toLowerCase(Locale.ROOT);
    int port = Integer.parseInt(args[1]);
    Endpoints endpoints = new Endpoints();
    switch (name) {
      case "vertx" -> VertxServer.start(port, endpoints);
      case "jetty" -> JettyServer.start(port, endpoints);
      case "jdk" -> JdkServer.start(port, endpoints);
      default ->
          throw new IllegalArgumentException(
              "unknown server '" + args[0] + "': expected vertx, jetty or jdk");
    }
    System.out.println("listening: " + name + " on 127.0.0.1:" + port);
  }
}
