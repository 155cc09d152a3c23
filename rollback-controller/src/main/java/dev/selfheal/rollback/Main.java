package dev.selfheal.rollback;

import dev.selfheal.rollback.config.ControllerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composition root: reads the environment, wires the controller, runs until SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  // Well inside the manifest's terminationGracePeriodSeconds (15 s).
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(8);

  private Main() {}

  /**
   * Starts the controller.
   *
   * @param args ignored
   * @throws IOException when the port cannot be bound
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    // Without this the JDK HttpServer delays small responses by up to 40 ms (Nagle).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ControllerConfig config;
    try {
      config = ControllerConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    ControllerApp app = ControllerApp.start(config, client, registry, Clock.systemUTC(), null);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Shutting down: releasing the Lease");
                  // Releasing needs the API server; if it is unreachable, do not outlive the
                  // pod's grace period waiting for it (the Lease then simply expires).
                  Thread closer = new Thread(app::close, "close");
                  closer.start();
                  try {
                    closer.join(SHUTDOWN_WAIT.toMillis());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  if (closer.isAlive()) {
                    LOG.warn("Lease not released within {}; it will expire", SHUTDOWN_WAIT);
                  }
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }
}
