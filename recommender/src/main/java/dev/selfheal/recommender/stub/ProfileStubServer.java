package dev.selfheal.recommender.stub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.selfheal.recommender.server.JsonHandler;
import dev.selfheal.recommender.server.JsonResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the external user-profile API with fault switches: {@code GET /profiles/<user>},
 * {@code GET|POST /admin/faults}, {@code GET /health}. Tests start it in-process and stop it to
 * simulate the API being killed; the lab runs it as its own Deployment.
 */
public final class ProfileStubServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileStubServer.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicReference<Faults> faults;

  private ProfileStubServer(StubConfig config) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    this.faults = new AtomicReference<>(config.faults());
    this.server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    // Many threads: injected latency must not queue requests behind each other.
    this.executor = Executors.newCachedThreadPool();
    ProfileGenerator generator =
        new ProfileGenerator(config.itemCount(), config.historySize(), config.seed());
    server.createContext("/profiles/", new ProfileHandler(mapper, generator, faults));
    server.createContext("/admin/faults", new AdminFaultsHandler(mapper, faults));
    server.createContext("/health", new StatusHandler(mapper));
    server.setExecutor(executor);
  }

  /** Starts a stub. */
  public static ProfileStubServer start(StubConfig config) throws IOException {
    ProfileStubServer stub = new ProfileStubServer(config);
    stub.server.start();
    LOG.info("Profile API stub on port {} with faults {}", stub.port(), stub.faults.get());
    return stub;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Current switches. */
  public Faults faults() {
    return faults.get();
  }

  /** Replaces the switches. */
  public void setFaults(Faults updated) {
    faults.set(updated);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static final class StatusHandler extends JsonHandler {
    StatusHandler(ObjectMapper mapper) {
      super(mapper, "GET");
    }

    @Override
    protected JsonResponse respond(com.sun.net.httpserver.HttpExchange exchange) {
      return new JsonResponse(200, Map.of("status", "ok"));
    }
  }
}
