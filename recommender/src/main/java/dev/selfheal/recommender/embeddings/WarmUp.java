package dev.selfheal.recommender.embeddings;

import dev.selfheal.recommender.config.RecommenderConfig.WarmUpSettings;
import dev.selfheal.runtime.lifecycle.Threads;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the embeddings once, on a background thread, retrying with capped exponential back-off
 * until it succeeds. While it has not succeeded the service is not started-up and not ready, but it
 * is alive: a restart would not bring Redis back, it would only throw away the back-off state and
 * add restart noise.
 */
public final class WarmUp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  /** What the warm-up is doing; reported by /startup and /ready. */
  public enum Phase {
    /** Not started yet. */
    STARTING,
    /** Reading from the store. */
    LOADING,
    /** The last attempt failed; sleeping before the next. */
    WAITING_TO_RETRY,
    /** The set is in memory. */
    LOADED
  }

  /**
   * A consistent view for the probes.
   *
   * @param phase current phase
   * @param loaded items read so far (or in the set, once loaded)
   * @param expected items the store announced
   * @param attempts load attempts so far
   * @param lastError why the last attempt failed, if it did
   * @param loadSeconds duration of the successful attempt, 0 before
   */
  public record Status(
      Phase phase, int loaded, int expected, int attempts, String lastError, double loadSeconds) {}

  private final EmbeddingSource source;
  private final WarmUpSettings settings;
  private final Thread thread;
  private final AtomicInteger attempts = new AtomicInteger();
  private final Counter attemptsTotal;
  private volatile Phase phase = Phase.STARTING;
  private volatile EmbeddingSet embeddings;
  private volatile int loaded;
  private volatile int expected;
  private volatile String lastError;
  private volatile double loadSeconds;
  // Touched only by the warm-up thread.
  private int lastLoggedDecile = -1;

  /**
   * @param source where to read from
   * @param settings retry back-off
   * @param registry where the load metrics go
   */
  public WarmUp(EmbeddingSource source, WarmUpSettings settings, PrometheusRegistry registry) {
    this.source = source;
    this.settings = settings;
    this.thread = Threads.daemonThread("embeddings-warmup", this::run);
    attemptsTotal =
        Counter.builder()
            .name("recommender_embeddings_load_attempts_total")
            .help("Start-up load attempts by outcome")
            .labelNames("outcome")
            .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_embeddings_loaded")
        .help("Embeddings read from Redis so far (all of them once start-up completed)")
        .callback(cb -> cb.call(loaded))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_embeddings_expected")
        .help("Embeddings announced by the store's metadata")
        .callback(cb -> cb.call(expected))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_embeddings_load_duration_seconds")
        .help("Duration of the successful start-up load (0 until it succeeded)")
        .callback(cb -> cb.call(loadSeconds))
        .register(registry);
    GaugeWithCallback.builder()
        .name("recommender_startup_complete")
        .help("1 once the embeddings are in memory")
        .callback(cb -> cb.call(phase == Phase.LOADED ? 1 : 0))
        .register(registry);
  }

  /** Starts the background load. */
  public void start() {
    thread.start();
  }

  /** The loaded set, empty until start-up completed. */
  public Optional<EmbeddingSet> embeddings() {
    return Optional.ofNullable(embeddings);
  }

  /** Whether the set is in memory. */
  public boolean isLoaded() {
    return embeddings != null;
  }

  /** Current status. */
  public Status status() {
    return new Status(phase, loaded, expected, attempts.get(), lastError, loadSeconds);
  }

  private void run() {
    Duration backoff = settings.retryInitial();
    while (!Thread.currentThread().isInterrupted()) {
      int attempt = attempts.incrementAndGet();
      phase = Phase.LOADING;
      long started = System.nanoTime();
      try {
        EmbeddingSet set =
            source.load(
                (done, total) -> {
                  logProgress(done, total);
                  loaded = done;
                  expected = total;
                });
        loadSeconds = (System.nanoTime() - started) / 1e9;
        loaded = set.size();
        embeddings = set;
        lastError = null;
        phase = Phase.LOADED;
        attemptsTotal.labelValues("success").inc();
        LOG.info(
            "Start-up complete: {} embeddings (dimension {}, ~{} MiB) loaded in {} s after {} attempt(s)",
            set.size(),
            set.dimension(),
            set.approximateBytes() >> 20,
            String.format(Locale.ROOT, "%.2f", loadSeconds),
            attempt);
        return;
      } catch (EmbeddingsUnavailableException e) {
        fail(attempt, e.getMessage(), backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.info("Warm-up interrupted before it completed");
        return;
      } catch (RuntimeException e) {
        // A bug or an unexpected reply must not kill the only thread that can make us ready.
        LOG.error("Unexpected failure while loading embeddings", e);
        fail(attempt, "unexpected " + e, backoff);
      }
      try {
        Thread.sleep(jitter(backoff).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(settings.retryMax()) > 0) {
        backoff = settings.retryMax();
      }
    }
  }

  private void logProgress(int done, int total) {
    int decile = total == 0 ? 10 : (int) Math.min(10, 10L * done / total);
    if (decile != lastLoggedDecile) {
      lastLoggedDecile = decile;
      LOG.info("Loading embeddings: {}/{} ({}%)", done, total, decile * 10);
    }
  }

  private void fail(int attempt, String reason, Duration backoff) {
    lastError = reason;
    phase = Phase.WAITING_TO_RETRY;
    loaded = 0;
    lastLoggedDecile = -1;
    attemptsTotal.labelValues("failure").inc();
    LOG.warn(
        "Embeddings not loaded (attempt {}): {} -> staying unready (alive, not restarting); retrying in {} ms",
        attempt,
        reason,
        backoff.toMillis());
  }

  private static Duration jitter(Duration backoff) {
    // +-20 % so a fleet of pods restarted together does not hammer Redis in lockstep.
    double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return Duration.ofMillis(Math.max(1, (long) (backoff.toMillis() * factor)));
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
