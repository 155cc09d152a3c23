package dev.selfheal.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server every service of the lab runs: Vert.x core (Netty) event loops read and write
 * every connection without blocking, so a slow or stalled client holds no thread; handlers that may
 * block run on executors their routes name. Every limit answers with the JSON {@link ErrorBody}:
 * request line (414), headers (431), body (413), header and body deadlines (408), malformed HTTP
 * (400), unknown path (404), wrong method (405 with {@code Allow}), content type (415), too many
 * connections with a request in progress each (503), requests pipelined ahead of their answers
 * (429). Connections spread over one server instance per event loop.
 *
 * <p>{@link #drain} is the SIGTERM path: every answer from then on carries {@code Connection:
 * close}, requests in progress finish, then the server stops.
 */
public final class HttpService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

  private final Vertx vertx;
  private final List<HttpServer> servers;
  private final Shared shared;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private HttpService(Vertx vertx, List<HttpServer> servers, Shared shared) {
    this.vertx = vertx;
    this.servers = servers;
    this.shared = shared;
  }

  /** Starts describing a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return servers.get(0).actualPort();
  }

  /** Requests whose head has arrived and whose answer is not yet written. */
  public int inProgress() {
    return shared.active();
  }

  /** Whether the server is draining or stopped. */
  public boolean draining() {
    return shared.draining();
  }

  /** Connections accepted since the start (the kernel may have queued more). */
  public long acceptedConnections() {
    return shared.connections().admitted();
  }

  /** Open connections. */
  public int connections() {
    return shared.connections().size();
  }

  /**
   * Drains and stops (see {@link Drain}): answers from now on carry {@code Connection: close}
   * (clients reconnect to a pod that stays), requests in progress and requests read get up to
   * {@code grace} to be answered, connections end with the end sent after their last answer, never
   * a reset; then the server stops.
   *
   * @return what had to be cut; {@link DrainReport#drained} when nothing was
   */
  public DrainReport drain(Duration grace) {
    shared.startDraining();
    LOG.info("Draining {} requests in progress for up to {} ms", inProgress(), grace.toMillis());
    DrainReport report = new Drain(vertx, shared).run(grace);
    if (!report.drained()) {
      LOG.warn("Drain ended ({})", report);
    }
    close();
    return report;
  }

  /** Stops at once: open connections are closed. */
  @Override
  public void close() {
    shared.startDraining();
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (HttpServer server : servers) {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
    }
  }

  /** Describes a server; {@link #start} binds it. */
  public static final class Builder {
    private int port = 8080;
    private String portSetting = "PORT";
    private Routes routes;
    private HttpLimits limits = HttpLimits.defaults();
    private ErrorMapper errors = ErrorMapper.standard();
    private ObjectMapper json = Json.mapper();
    private RequestObserver observer = RequestObserver.NONE;
    private int eventLoops;

    private Builder() {}

    /** Port to bind (0 picks a free one) and the setting it came from, named in errors. */
    public Builder port(int value, String setting) {
      this.port = value;
      this.portSetting = setting;
      return this;
    }

    /** The route table. */
    public Builder routes(Routes value) {
      this.routes = value;
      return this;
    }

    /** Limits and deadlines. */
    public Builder limits(HttpLimits value) {
      this.limits = value;
      return this;
    }

    /** The service's error mapping. */
    public Builder errors(ErrorMapper value) {
      this.errors = value;
      return this;
    }

    /** The mapper that writes JSON answers. */
    public Builder json(ObjectMapper value) {
      this.json = value;
      return this;
    }

    /** Told about every answered request. */
    public Builder observer(RequestObserver value) {
      this.observer = value;
      return this;
    }

    /** Event loops, one server instance on each (default: one per CPU the JVM sees). */
    public Builder eventLoops(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("eventLoops must be >= 1, got " + value);
      }
      this.eventLoops = value;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalStateException naming the port and its setting when it cannot be bound
     */
    public HttpService start() {
      Objects.requireNonNull(routes, "routes");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(portSetting + " must be 0 to 65535, got " + port);
      }
      int loops =
          eventLoops > 0 ? eventLoops : Math.max(1, Runtime.getRuntime().availableProcessors());
      Vertx vertx = ServerStart.vertx(loops);
      Shared shared = new Shared(vertx, routes, limits, errors, json, observer);
      List<HttpServer> servers =
          ServerStart.deploy(vertx, shared, ServerStart.options(port, limits), loops, portSetting);
      return new HttpService(vertx, servers, shared);
    }
  }
}
