package dev.selfheal.rollback;

import dev.selfheal.rollback.config.ControllerConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composition root: reads the environment, wires the controller, runs until SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

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
                  app.close();
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }
}
