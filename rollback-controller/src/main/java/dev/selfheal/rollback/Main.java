package dev.selfheal.rollback;

import dev.selfheal.rollback.config.ControllerConfig;
import dev.selfheal.runtime.lifecycle.ServiceMain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Composition root: reads the environment, wires the controller, runs until SIGTERM. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  // Well inside the manifest's terminationGracePeriodSeconds (15 s): webhook deliveries in progress
  // get DRAIN_WAIT, the whole shutdown (the Lease release included) SHUTDOWN_WAIT.
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(4);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(8);

  private Main() {}

  /**
   * Starts the controller.
   *
   * @param args ignored
   * @throws InterruptedException when interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    ControllerConfig config =
        ServiceMain.configuration(() -> ControllerConfig.fromEnv(System.getenv()));
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    ControllerApp app =
        ServiceMain.start(
            () -> ControllerApp.start(config, client, registry, Clock.systemUTC(), null),
            client::close);
    CountDownLatch stopped = new CountDownLatch(1);
    ServiceMain.onShutdown(
        () -> {
          LOG.info("Shutting down: releasing the Lease");
          // Releasing needs the API server; if it is unreachable, do not outlive the pod's grace
          // period waiting for it (the Lease then simply expires).
          Thread closer = new Thread(() -> app.shutdownGracefully(DRAIN_WAIT), "close");
          closer.start();
          try {
            closer.join(SHUTDOWN_WAIT.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          boolean clean = !closer.isAlive();
          if (!clean) {
            LOG.warn("Lease not released within {}; it will expire", SHUTDOWN_WAIT);
          }
          client.close();
          stopped.countDown();
          return clean;
        });
    stopped.await();
  }
}
