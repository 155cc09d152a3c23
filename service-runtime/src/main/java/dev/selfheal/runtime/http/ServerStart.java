package dev.selfheal.runtime.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How {@link HttpService.Builder#start} brings a server up: the Vert.x instance with its event
 * loops, the server options the limits imply, and one {@link ServerVerticle} per event loop bound
 * to the port, with a message naming the port's setting when it cannot be bound.
 */
final class ServerStart {
  private ServerStart() {}

  /** A Vert.x instance with {@code loops} event loops and nothing that writes to the disk. */
  static Vertx vertx(int loops) {
    return Vertx.vertx(
        new VertxOptions()
            .setEventLoopPoolSize(loops)
            .setWorkerPoolSize(1)
            .setInternalBlockingPoolSize(1)
            .setPreferNativeTransport(false)
            // No file cache: the images run with a read-only root file system.
            .setFileSystemOptions(
                new FileSystemOptions()
                    .setFileCachingEnabled(false)
                    .setClassPathResolvingEnabled(false)));
  }

  /** HTTP/1.1 only, uncompressed, with the request line and header limits of {@code limits}. */
  static HttpServerOptions options(int port, HttpLimits limits) {
    return new HttpServerOptions()
        // A negative port: one random port, shared by every instance below.
        .setPort(port == 0 ? -1 : port)
        .setHost("0.0.0.0")
        .setTcpNoDelay(true)
        .setHttp2ClearTextEnabled(false)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setMaxInitialLineLength(limits.maxRequestLineBytes())
        .setMaxHeaderSize(limits.maxHeaderBytes());
  }

  /**
   * Deploys one server instance per event loop and waits until they listen; closes {@code vertx}
   * when they cannot.
   *
   * @return the listening servers
   * @throws IllegalStateException naming the port and {@code portSetting} when it cannot be bound
   */
  static List<HttpServer> deploy(
      Vertx vertx, Shared shared, HttpServerOptions options, int loops, String portSetting) {
    int port = options.getPort() < 0 ? 0 : options.getPort();
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    try {
      vertx
          .deployVerticle(
              () -> new ServerVerticle(shared, options, servers),
              new DeploymentOptions().setInstances(loops))
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      vertx.close();
      throw new IllegalStateException("interrupted while binding port " + port, e);
    } catch (ExecutionException | TimeoutException e) {
      vertx.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      String why =
          cause instanceof BindException || String.valueOf(cause.getMessage()).contains("in use")
              ? "port " + port + " is already in use"
              : "cannot listen on port " + port + ": " + cause.getMessage();
      throw new IllegalStateException(why + " (set " + portSetting + " to a free port)", cause);
    }
    return List.copyOf(servers);
  }
}
