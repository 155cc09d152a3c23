package dev.selfheal.traffic.run;

import dev.selfheal.traffic.client.ModelServerClient;
import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.transactions.LabeledTransaction;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends transactions at a fixed rate for a set time: each tick starts one {@code /predict}; when
 * the answer arrives, the true label goes to {@code /feedback} for the configured share of
 * predictions. Requests are asynchronous, bounded by {@code maxInFlight}, so a slow or stalled
 * server makes the generator skip ticks rather than pile up threads.
 */
public final class TrafficRun {

  private final TrafficConfig config;
  private final ModelServerClient client;
  private final TransactionSource source;
  private final PrintStream out;
  private final ProgressPrinter progress;
  private final Random feedbackDice;
  private final TrafficStats stats = new TrafficStats();
  private final Semaphore inFlight;
  private final CountDownLatch stop = new CountDownLatch(1);

  /**
   * Creates a run; nothing is sent before {@link #run()}. Progress is a live status line when
   * {@code out} is the standard output of a terminal, else one line per report.
   */
  public TrafficRun(TrafficConfig config, ModelServerClient client, PrintStream out) {
    this(config, client, out, ProgressPrinter.forStream(out));
  }

  /** Creates a run that reports progress through {@code progress}. */
  public TrafficRun(
      TrafficConfig config, ModelServerClient client, PrintStream out, ProgressPrinter progress) {
    this.config = config;
    this.client = client;
    this.source = new TransactionSource(config.seed());
    this.out = out;
    this.progress = progress;
    this.feedbackDice = new Random(config.seed());
    this.inFlight = new Semaphore(config.maxInFlight());
  }

  /** The live counters. */
  public TrafficStats stats() {
    return stats;
  }

  /** Ends {@link #run()} early (Ctrl-C); in-flight requests still finish. */
  public void stop() {
    stop.countDown();
  }

  /**
   * Sends traffic until the duration has passed or {@link #stop()} is called, waits for the
   * requests still in flight, prints the summary and returns the final counters.
   */
  public TrafficStats.Snapshot run() throws InterruptedException {
    ScheduledExecutorService pacer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "traffic-pacer");
              thread.setDaemon(true);
              return thread;
            });
    long started = System.nanoTime();
    long periodNanos = Math.max(1, Math.round(1e9 / config.ratePerSecond()));
    out.printf(
        "sending %.1f transactions/s to %s for %s, feedback for %.0f%% of predictions%n",
        config.ratePerSecond(),
        config.baseUrl(),
        config.duration().isZero() ? "ever (Ctrl-C stops)" : config.duration().toSeconds() + " s",
        config.feedbackRatio() * 100);
    try {
      pacer.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
      if (!config.reportEvery().isZero()) {
        // A live line is cheap to refresh, so it moves every second; printed lines keep the pace
        // asked for.
        long every =
            progress.isLive() ? TimeUnit.SECONDS.toNanos(1) : config.reportEvery().toNanos();
        pacer.scheduleAtFixedRate(
            () ->
                progress.status(
                    stats.snapshot().line(Duration.ofNanos(System.nanoTime() - started))),
            every,
            every,
            TimeUnit.NANOSECONDS);
      }
      if (config.duration().isZero()) {
        stop.await();
      } else {
        stop.await(config.duration().toNanos(), TimeUnit.NANOSECONDS);
      }
    } finally {
      pacer.shutdownNow();
      pacer.awaitTermination(5, TimeUnit.SECONDS);
    }
    // Let the last requests answer (or time out) so the summary counts them.
    long drain = config.requestTimeout().multipliedBy(2).plusSeconds(1).toNanos();
    if (inFlight.tryAcquire(config.maxInFlight(), drain, TimeUnit.NANOSECONDS)) {
      inFlight.release(config.maxInFlight());
    }
    TrafficStats.Snapshot last = stats.snapshot();
    progress.println(last.line(Duration.ofNanos(System.nanoTime() - started)) + " (done)");
    if (!last.lastFailure().isEmpty()) {
      progress.println("last failure: " + last.lastFailure());
    }
    return last;
  }

  private void tick() {
    if (!inFlight.tryAcquire()) {
      stats.skipped();
      return;
    }
    LabeledTransaction next = source.next();
    boolean sendFeedback = feedbackDice.nextDouble() < config.feedbackRatio();
    stats.sent();
    client
        .predict(next.transaction())
        .thenCompose(
            result -> {
              stats.predicted(result, next.fraud());
              if (result.outcome() != Outcome.OK || !sendFeedback) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              return client
                  .feedback(result.response().predictionId(), next.fraud())
                  .thenAccept(stats::feedback);
            })
        .whenComplete((ignored, failure) -> inFlight.release());
  }
}
