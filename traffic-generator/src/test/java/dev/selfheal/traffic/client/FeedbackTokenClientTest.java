package dev.selfheal.traffic.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.traffic.lane.Lane;
import dev.selfheal.transactions.MerchantCategory;
import dev.selfheal.transactions.Transaction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feedback token goes with /feedback only, as a bearer token, and only when there is one. */
class FeedbackTokenClientTest {
  private final Map<String, String> authorization = new ConcurrentHashMap<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          authorization.put(
              exchange.getRequestURI().getPath(),
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] bytes =
              "{\"prediction\":\"fraud\",\"confidence\":0.9,\"latency_ms\":1,\"version\":\"v1.0\",\"prediction_id\":\"p\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ModelServerClient client(String token) {
    return new ModelServerClient(
        new Lane(
            "test-lane",
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            Duration.ofSeconds(2)),
        new ObjectMapper(),
        token);
  }

  @Test
  void sendsTheTokenWithFeedbackOnly() throws Exception {
    ModelServerClient client = client(" t0ken ");
    client.predict(new Transaction(1, 1, 1, 1, MerchantCategory.FUEL, true)).get();
    assertThat(client.feedback("p", true).get()).isEqualTo(Outcome.OK);

    assertThat(authorization).containsEntry("/feedback", "Bearer t0ken");
    assertThat(authorization).containsEntry("/predict", "null");
  }

  @Test
  void sendsNoHeaderWithoutAToken() throws Exception {
    for (String none : new String[] {null, "", "  "}) {
      authorization.clear();
      client(none).feedback("p", false).get();
      assertThat(authorization).containsEntry("/feedback", "null");
    }
  }
}
