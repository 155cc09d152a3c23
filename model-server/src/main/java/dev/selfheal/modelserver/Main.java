package dev.selfheal.modelserver;

import dev.selfheal.modelserver.config.ServerConfig;
import dev.selfheal.modelserver.lifecycle.CdsTraining;
import dev.selfheal.modelserver.model.ModelLoader;
import dev.selfheal.runtime.lifecycle.ServiceMain;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composition root: reads the environment once, starts the {@link ModelServer} and turns SIGTERM
 * into a graceful drain that exits 0. With {@code --train-cds} it starts on a free port, calls each
 * endpoint once and exits, so {@code -XX:ArchiveClassesAtExit} captures the serving classes.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** Starts the server; configuration comes from environment variables only. */
  public static void main(String[] args) throws InterruptedException {
    boolean training = args.length > 0 && args[0].equals("--train-cds");
    Map<String, String> env = new HashMap<>(System.getenv());
    if (training) {
      env.put("PORT", "0");
    }
    ServerConfig config = ServiceMain.configuration(() -> ServerConfig.fromEnv(env));
    ModelServer server;
    try {
      server =
          ModelServer.start(config, ModelLoader::load, new PrometheusRegistry(), Clock.systemUTC());
    } catch (IllegalStateException e) {
      // A port in use or another start-up refusal: one line that says what to change.
      LOG.error("Start-up failed: {}", e.getMessage());
      System.exit(ServiceMain.FAILED);
      return;
    } catch (Exception e) {
      // A model that does not load or fails its self-check: the whole story, once.
      LOG.error("Start-up failed: {}", e.toString(), e);
      System.exit(ServiceMain.FAILED);
      return;
    }
    if (training) {
      CdsTraining.exercise(server.port());
      server.shutdownGracefully();
      System.exit(0);
    }
    ServiceMain.onShutdown(server::shutdownGracefully);
  }
}
