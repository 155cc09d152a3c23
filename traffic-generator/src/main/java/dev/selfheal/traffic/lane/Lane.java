package dev.selfheal.traffic.lane;

import dev.selfheal.traffic.client.Transport;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * One lane of traffic: one HTTP/1.1 connection and one thread that sends its requests in order, so
 * a prediction and its feedback travel on the same connection and reach the same pod. {@link
 * #recycle()} closes the connection between two transactions; the next one opens a new connection,
 * to whichever pod the Service's balancing picks.
 */
public final class Lane implements Transport, AutoCloseable {

  private final Http1Connection connection;
  private final ExecutorService thread;

  /**
   * A lane to {@code base}.
   *
   * @param name thread name
   * @param base the server or Service base URL
   * @param timeout connect timeout and deadline of each request
   */
  public Lane(String name, URI base, Duration timeout) {
    this.connection = new Http1Connection(base, timeout);
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public CompletableFuture<Answer> post(String path, byte[] body, String bearer) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              answer.complete(connection.post(path, body, bearer));
            } catch (IOException | RuntimeException e) {
              answer.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(new IOException("lane closed", e));
    }
    return answer;
  }

  /** Closes the connection after the requests already queued; the next request reconnects. */
  public void recycle() {
    try {
      thread.execute(connection::close);
    } catch (RejectedExecutionException e) {
      // Closed already.
    }
  }

  /** Closes the connection and stops the lane's thread. */
  @Override
  public void close() {
    recycle();
    thread.shutdown();
  }
}
