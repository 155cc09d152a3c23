package dev.selfheal.traffic.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A loopback TCP balancer that picks a backend per connection, in turn, and then only copies bytes:
 * what a Kubernetes Service's kube-proxy does (it picks at random; in turn keeps the test
 * deterministic). Every request of a connection reaches the same backend.
 */
public final class ConnectionBalancer implements AutoCloseable {

  private final ServerSocket listener;
  private final List<URI> backends;
  private final AtomicLongArray connections;
  private final AtomicInteger next = new AtomicInteger();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private ConnectionBalancer(List<URI> backends) throws IOException {
    this.backends = List.copyOf(backends);
    this.connections = new AtomicLongArray(backends.size());
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "balancer-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a balancer in front of {@code backends} (loopback base URLs). */
  public static ConnectionBalancer start(List<URI> backends) throws IOException {
    return new ConnectionBalancer(backends);
  }

  /** The balancer's base URL, as a Service's. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Connections handed to each backend so far, in the order of {@code backends}. */
  public List<Long> connections() {
    List<Long> counts = new ArrayList<>();
    for (int i = 0; i < connections.length(); i++) {
      counts.add(connections.get(i));
    }
    return counts;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        int pick = Math.floorMod(next.getAndIncrement(), backends.size());
        URI backend = backends.get(pick);
        Socket server = new Socket();
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        server.connect(new InetSocketAddress(backend.getHost(), backend.getPort()), 2000);
        connections.incrementAndGet(pick);
        open.add(client);
        open.add(server);
        pipe(client, server);
        pipe(server, client);
      } catch (IOException e) {
        // Listener closed, or a backend refused: the client sees its connection closed.
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread copier =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // One side closed.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "balancer-pipe");
    copier.setDaemon(true);
    copier.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(ConnectionBalancer::closeQuietly);
  }
}
