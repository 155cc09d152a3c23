package dev.selfheal.recommender.stub;

import dev.selfheal.recommender.server.RecommenderErrors;
import dev.selfheal.runtime.http.BodyTypes;
import dev.selfheal.runtime.http.HttpLimits;
import dev.selfheal.runtime.http.HttpService;
import dev.selfheal.runtime.http.Json;
import dev.selfheal.runtime.http.Reply;
import dev.selfheal.runtime.http.Route;
import dev.selfheal.runtime.http.Routes;
import dev.selfheal.runtime.lifecycle.Threads;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the external user-profile API with fault switches: {@code GET /profiles/<user>},
 * {@code GET|POST /admin/faults}, {@code GET /health}. Tests start it in-process and stop it to
 * simulate the API being killed; the lab runs it as its own Deployment. It runs on the same HTTP
 * layer as the services.
 */
public final class ProfileStubServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileStubServer.class);

  private final HttpService server;
  private final ExecutorService executor;
  private final AtomicReference<Faults> faults;

  private ProfileStubServer(StubConfig config) {
    this.faults = new AtomicReference<>(config.faults());
    // Many threads: injected latency must not queue requests behind each other.
    this.executor = Executors.newCachedThreadPool(Threads.daemon("profile-stub"));
    ProfileGenerator generator =
        new ProfileGenerator(config.itemCount(), config.historySize(), config.seed());
    AdminFaultsHandler admin = new AdminFaultsHandler(Json.mapper(), faults);
    this.server =
        HttpService.builder()
            .port(config.port(), "PORT")
            .limits(HttpLimits.defaults().withMaxBodyBytes(AdminFaultsHandler.MAX_BODY))
            .errors(RecommenderErrors.mapper())
            .routes(
                Routes.of(
                    Route.get("/profiles/{user}", new ProfileHandler(generator, faults))
                        .on(executor),
                    Route.get("/admin/faults", admin),
                    // curl -d sends form encoding by default: the body is read as JSON whatever
                    // it is declared as.
                    Route.post("/admin/faults", admin).accepting(BodyTypes.ANY),
                    Route.get("/health", request -> Reply.json(200, Map.of("status", "ok")))))
            .start();
  }

  /** Starts a stub. */
  public static ProfileStubServer start(StubConfig config) {
    ProfileStubServer stub = new ProfileStubServer(config);
    LOG.info("Profile API stub on port {} with faults {}", stub.port(), stub.faults.get());
    return stub;
  }

  /** The bound port. */
  public int port() {
    return server.port();
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
    server.close();
    executor.shutdownNow();
  }
}
