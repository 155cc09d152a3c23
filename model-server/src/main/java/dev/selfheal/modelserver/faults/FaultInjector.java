package dev.selfheal.modelserver.faults;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place where faults act on the serving path. Inference calls {@link #beforeServing()} or
 * {@link #beforeEvaluation()} before touching the model.
 *
 * <p>The latent stall models a deadlock: once {@link FaultSchedule#stalled()} is true every caller
 * parks on a latch that nobody opens (except {@link #release()} when the server is torn down), so
 * served predictions, the self-evaluation and the progress watchdog all stop making progress while
 * threads that never touch the model (probes, {@code /metrics}) keep answering.
 */
public final class FaultInjector {
  private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

  private final FaultSchedule schedule;
  private final Duration addedLatency;
  private final ErrorSchedule errors;
  private final CountDownLatch stuck = new CountDownLatch(1);
  private final AtomicBoolean tripped = new AtomicBoolean();

  /**
   * Creates the injector for the faults in {@code config}, counting the stall from {@code start}.
   */
  public FaultInjector(FaultConfig config, Clock clock, Instant start) {
    this.schedule = new FaultSchedule(clock, start, config.stallAfter());
    this.addedLatency = config.addedLatency();
    this.errors = new ErrorSchedule(config.errorRate());
  }

  /**
   * Applies every fault to a prediction served to a client: stall, added latency, injected error.
   *
   * @throws InjectedFaultException when this call is scheduled to fail
   */
  public void beforeServing() throws InterruptedException {
    stallIfDue();
    if (!addedLatency.isZero()) {
      Thread.sleep(addedLatency.toMillis());
    }
    if (errors.nextFails()) {
      throw new InjectedFaultException("injected server error (FAULT_ERROR_RATE)");
    }
  }

  /** Applies only the stall, for the self-evaluation and the watchdog canary. */
  public void beforeEvaluation() throws InterruptedException {
    stallIfDue();
  }

  /** True once the latent stall has tripped. */
  public boolean stalled() {
    return schedule.stalled();
  }

  /** Time until the stall, zero once stalled, null when none is scheduled. */
  public Duration untilStall() {
    return schedule.untilStall();
  }

  /** Frees every parked caller; only for tearing the server down. */
  public void release() {
    stuck.countDown();
  }

  private void stallIfDue() throws InterruptedException {
    if (!schedule.stalled()) {
      return;
    }
    if (tripped.compareAndSet(false, true)) {
      LOG.warn("Latent fault tripped: inference has stopped making progress");
    }
    stuck.await();
  }
}
