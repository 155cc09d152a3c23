package dev.selfheal.runtime.lifecycle;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conventions every service's {@code main} follows, in one place: a bad setting stops the start
 * with one line naming it and exit code 2; a refused start (a port in use) with one line and exit
 * code 1; SIGTERM runs the service's graceful stop and exits 0 when it was clean, 1 when it was not
 * (never the JVM's 143, which Kubernetes records as "Error").
 */
public final class ServiceMain {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  /** Exit code for configuration a person must fix. */
  public static final int BAD_CONFIGURATION = 2;

  /** Exit code for a start that failed, and a stop that was not clean. */
  public static final int FAILED = 1;

  private ServiceMain() {}

  /** Reads the configuration, or logs the problem (which names the setting) and exits 2. */
  public static <T> T configuration(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      LOG.error("Invalid configuration: {}", e.getMessage());
      System.exit(BAD_CONFIGURATION);
      throw e;
    }
  }

  /**
   * Starts the service, or logs why it cannot start in one line and exits 1. {@code cleanUp} runs
   * first (e.g. to close a client the service would have owned).
   */
  public static <T> T start(Supplier<T> start, Runnable cleanUp) {
    try {
      return start.get();
    } catch (IllegalStateException e) {
      LOG.error("Start-up failed: {}", e.getMessage());
      cleanUp.run();
      System.exit(FAILED);
      throw e;
    }
  }

  /**
   * On SIGTERM (or Ctrl-C), runs {@code gracefulStop} and exits 0 when it reports a clean stop, 1
   * otherwise.
   */
  public static void onShutdown(BooleanSupplier gracefulStop) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  boolean clean = gracefulStop.getAsBoolean();
                  Runtime.getRuntime().halt(clean ? 0 : FAILED);
                },
                "graceful-shutdown"));
  }
}
