package dev.selfheal.traffic.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.modelserver.ModelServer;
import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.model.ModelLoader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real model server, in this JVM, on a free port, with the shipped model of a release. */
public final class RealModelServer implements AutoCloseable {
  /** The server's {@code FEEDBACK_TOKEN}: without one it refuses every label. */
  public static final String TOKEN = "traffic-test-token";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final ModelServer server;

  private RealModelServer(ModelServer server) {
    this.server = server;
  }

  /** Starts release {@code modelVersion} ({@code v1.0} or {@code v2.0}); returns once ready. */
  public static RealModelServer start(String modelVersion, Path probeFileDir) throws Exception {
    ServerConfig config =
        ServerConfig.fromEnv(
            Map.of(
                "PORT",
                "0",
                "MODEL_VERSION",
                modelVersion,
                "UNREADY_FILE",
                probeFileDir.resolve("unready").toString(),
                "UNHEALTHY_FILE",
                probeFileDir.resolve("unhealthy").toString(),
                "FEEDBACK_TOKEN",
                TOKEN));
    return new RealModelServer(
        ModelServer.start(config, ModelLoader::load, new PrometheusRegistry(), Clock.systemUTC()));
  }

  /** A loopback URL on a port that was free a moment ago and has no listener now. */
  public static URI nothingListening() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  /**
   * The value of one series on the {@code /metrics} page of the server at {@code base}; asserts
   * that the series is there.
   */
  public static double metric(URI base, String series) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    assertThat(value.find()).as(series + " in /metrics").isTrue();
    return Double.parseDouble(value.group(1));
  }

  /** The server's base URL. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  @Override
  public void close() {
    server.close();
  }
}
