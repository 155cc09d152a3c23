package dev.selfheal.labtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in webhook endpoint (JDK HttpServer on a free loopback port) that records every POST it
 * receives, with its Authorization header and JSON body, and answers 200. Used where Alertmanager
 * would call the rollback controller.
 */
public final class WebhookReceiver implements AutoCloseable {

  /**
   * One received request.
   *
   * @param authorization the Authorization header, or empty
   * @param body the parsed JSON body
   */
  public record Delivery(String authorization, JsonNode body) {}

  private final HttpServer server;
  private final String path;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  private WebhookReceiver(String path) throws IOException {
    this.path = path;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(path, this::handle);
    server.start();
  }

  /** Starts a receiver that records POSTs to {@code path} (e.g. {@code /alerts}). */
  public static WebhookReceiver start(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
    try {
      return new WebhookReceiver(path);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the webhook receiver", e);
    }
  }

  /** The URL to configure in Alertmanager. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Everything received so far, in arrival order. */
  public List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = in.readAllBytes();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      try {
        deliveries.add(new Delivery(auth == null ? "" : auth, HttpJson.mapper().readTree(body)));
        exchange.sendResponseHeaders(200, -1);
      } catch (IOException e) {
        exchange.sendResponseHeaders(400, -1);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
