package dev.selfheal.traffic.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.selfheal.traffic.client.ModelServerClient;
import dev.selfheal.traffic.client.Outcome;
import dev.selfheal.traffic.config.TrafficConfig;
import dev.selfheal.traffic.lane.Lane;
import dev.selfheal.transactions.LabeledTransaction;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends transactions at a fixed rate for a set time: each tick starts one {@code /predict}; when
 * the answer arrives, the true label goes to {@code /feedback} for the configured share of
 * predictions.
 *
 * <p>Transactions travel on lanes ({@code --connections}): a lane is one connection carrying one
 * transaction at a time, its prediction and then its feedback, so the feedback reaches the pod that
 * made the prediction (each pod knows only its own prediction ids). Ticks go to the lanes in turn,
 * and every {@code --reconnect-every} transactions a lane closes its connection and opens a new
 * one: a Kubernetes Service balances connections, not requests, so this is what spreads the traffic
 * over every pod. A tick that finds every lane busy, or {@code maxInFlight} transactions
 * unanswered, is skipped, so a slow or stalled server makes the generator skip ticks rather than
 * pile up work.
 */
public final class TrafficRun {

  private final TrafficConfig config;
  private final List<Slot> slots;
  private final TransactionSource source;
  private final PrintStream out;
  private final ProgressPrinter progress;
  private final Random feedbackDice;
  private final TrafficStats stats = new TrafficStats();
  private final Semaphore inFlight;
  private final CountDownLatch stop = new CountDownLatch(1);
  private int cursor;

  /** A lane, its client, and whether it carries a transaction now. */
  private static final class Slot {
    final Lane lane;
    final ModelServerClient client;
    final AtomicBoolean busy = new AtomicBoolean();
    int transactions;

    Slot(Lane lane, ModelServerClient client) {
      this.lane = lane;
      this.client = client;
    }
  }

  /**
   * Creates a run; nothing is sent before {@link #run()}. Progress is a live status line when
   * {@code out} is the standard output of a terminal, else one line per report.
   */
  public TrafficRun(TrafficConfig config, String feedbackToken, PrintStream out) {
    this(config, feedbackToken, out, ProgressPrinter.forStream(out));
  }

  /**
   * Creates a run that reports progress through {@code progress}.
   *
   * @param feedbackToken the server's {@code FEEDBACK_TOKEN}, or null for none
   */
  public TrafficRun(
      TrafficConfig config, String feedbackToken, PrintStream out, ProgressPrinter progress) {
    this.config = config;
    ObjectMapper json = new ObjectMapper();
    List<Slot> lanes = new ArrayList<>(config.connections());
    for (int i = 0; i < config.connections(); i++) {
      Lane lane = new Lane("traffic-lane-" + i, config.baseUrl(), config.requestTimeout());
      lanes.add(new Slot(lane, new ModelServerClient(lane, json, feedbackToken)));
    }
    this.slots = List.copyOf(lanes);
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
        "sending %.1f transactions/s to %s for %s, feedback for %.0f%% of predictions,"
            + " over %d connections%s%n",
        config.ratePerSecond(),
        config.baseUrl(),
        config.duration().isZero() ? "ever (Ctrl-C stops)" : config.duration().toSeconds() + " s",
        config.feedbackRatio() * 100,
        config.connections(),
        config.reconnectEvery() == 0
            ? ""
            : " renewed every " + config.reconnectEvery() + " transactions");
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
    slots.forEach(slot -> slot.lane.close());
    TrafficStats.Snapshot last = stats.snapshot();
    progress.println(last.line(Duration.ofNanos(System.nanoTime() - started)) + " (done)");
    if (!last.lastFailure().isEmpty()) {
      progress.println("last failure: " + last.lastFailure());
    }
    return last;
  }

  private void tick() {
    Slot slot = idleSlot();
    if (slot == null) {
      stats.skipped();
      return;
    }
    if (!inFlight.tryAcquire()) {
      slot.busy.set(false);
      stats.skipped();
      return;
    }
    LabeledTransaction next = source.next();
    boolean sendFeedback = feedbackDice.nextDouble() < config.feedbackRatio();
    stats.sent();
    ModelServerClient client = slot.client;
    client
        .predict(next.transaction())
        .thenCompose(
            result -> {
              stats.predicted(result, next.fraud());
              if (result.outcome() != Outcome.OK || !sendFeedback) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              // On the same lane: the same connection, so the same pod.
              return client
                  .feedback(result.response().predictionId(), next.fraud())
                  .thenAccept(stats::feedback);
            })
        .whenComplete(
            (ignored, failure) -> {
              slot.transactions++;
              if (config.reconnectEvery() > 0 && slot.transactions % config.reconnectEvery() == 0) {
                slot.lane.recycle(); // queued before the lane's next transaction
              }
              slot.busy.set(false);
              inFlight.release();
            });
  }

  /** The next lane in turn that carries no transaction, marked busy; null when all are busy. */
  private Slot idleSlot() {
    for (int i = 0; i < slots.size(); i++) {
      int index = (cursor + i) % slots.size();
      Slot slot = slots.get(index);
      if (slot.busy.compareAndSet(false, true)) {
        cursor = index + 1;
        return slot;
      }
    }
    return null;
  }
}
