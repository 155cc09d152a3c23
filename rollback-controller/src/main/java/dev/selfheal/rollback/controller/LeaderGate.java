package dev.selfheal.rollback.controller;

import dev.selfheal.runtime.log.LogSafe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most one instance acting, through a coordination.k8s.io Lease and fabric8's {@code
 * LeaderElector}. When leadership is lost the instance stops acting and campaigns again; on close
 * it releases the Lease so a successor takes over at once instead of after the lease duration.
 */
public final class LeaderGate implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderGate.class);

  /**
   * Lease settings.
   *
   * @param enabled false runs without election (single local instance)
   * @param namespace Lease namespace
   * @param name Lease name
   * @param identity holder identity
   * @param leaseDuration lease duration
   * @param renewDeadline renew deadline
   * @param retryPeriod retry period
   */
  public record Settings(
      boolean enabled,
      String namespace,
      String name,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final Runnable onStart;
  private final Runnable onStop;
  private CompletableFuture<?> election;
  private boolean closed;

  /**
   * Creates the gate; {@link #start()} begins campaigning.
   *
   * @param client API client
   * @param settings Lease settings
   * @param onStart called when this instance becomes leader
   * @param onStop called when it stops being leader
   */
  public LeaderGate(KubernetesClient client, Settings settings, Runnable onStart, Runnable onStop) {
    this.client = Objects.requireNonNull(client);
    this.settings = Objects.requireNonNull(settings);
    this.onStart = Objects.requireNonNull(onStart);
    this.onStop = Objects.requireNonNull(onStop);
  }

  /** Starts campaigning (or leads at once when election is disabled). */
  public synchronized void start() {
    if (!settings.enabled()) {
      LOG.info("Leader election disabled; acting as the only instance");
      onStart.run();
      return;
    }
    campaign();
  }

  private synchronized void campaign() {
    if (closed) {
      return;
    }
    LOG.info(
        "Campaigning for Lease {}/{} as {}",
        settings.namespace(),
        settings.name(),
        settings.identity());
    election =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(settings.name())
                    .withLock(
                        new ReportingLock(
                            new LeaseLock(
                                settings.namespace(), settings.name(), settings.identity())))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              LOG.info("Became leader; acting on triggers");
                              onStart.run();
                            },
                            () -> {
                              LOG.info("Stopped leading; no longer acting");
                              onStop.run();
                            },
                            leader -> LOG.info("Current leader: {}", leader)))
                    .build())
            .build()
            .start();
    // Losing the Lease ends the election future; campaign again (after a retry period, so a
    // failing API server cannot make this spin) unless we are shutting down.
    election.whenComplete(
        (ok, error) ->
            CompletableFuture.runAsync(
                this::campaign,
                CompletableFuture.delayedExecutor(
                    settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)));
  }

  /**
   * The Lease lock, reporting each failed API call in one WARN line. fabric8's elector retries
   * every retry period and logs each failure with a stack trace; logback.xml turns that logger down
   * to ERROR, and this line replaces it. A 409 is ordinary contention between candidates, not news.
   */
  private record ReportingLock(Lock delegate) implements Lock {

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      try {
        return delegate.get(client);
      } catch (RuntimeException e) {
        throw report(e);
      }
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
      try {
        delegate.create(client, record);
      } catch (RuntimeException e) {
        throw report(e);
      }
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
      try {
        delegate.update(client, record);
      } catch (RuntimeException e) {
        throw report(e);
      }
    }

    @Override
    public String identity() {
      return delegate.identity();
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    private RuntimeException report(RuntimeException e) {
      if (!(e instanceof KubernetesClientException k && k.getCode() == 409)) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        LOG.warn(
            "Cannot take part in the leader election ({}): {} ({}); retrying",
            delegate.describe(),
            LogSafe.clean(e.getMessage()),
            LogSafe.clean(root.toString()));
      }
      return e;
    }
  }

  /** Stops campaigning and releases the Lease if held. */
  @Override
  public synchronized void close() {
    closed = true;
    if (election != null) {
      election.cancel(true);
    } else if (!settings.enabled()) {
      onStop.run();
    }
  }
}
