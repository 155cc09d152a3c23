package dev.selfheal.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow-client attack every service is tested against: connections that send part of a request
 * head and then nothing, and connections that send a whole head announcing a body and then only a
 * part of it. Opened together, they must hold no thread of the server; each must end with the
 * server's 408 once its deadline passes.
 */
public final class SlowClients implements AutoCloseable {
  private final List<RawClient> connections = new ArrayList<>();

  private SlowClients() {}

  /**
   * Opens the attack.
   *
   * @param port the server's port
   * @param tricklers connections that send only part of a request head to {@code headPath}
   * @param headPath path of the trickled heads
   * @param stallersPerPath connections per body path that announce 1,000 bytes and send one
   * @param bodyPaths paths that take a POST body
   */
  public static SlowClients open(
      int port, int tricklers, String headPath, int stallersPerPath, List<String> bodyPaths)
      throws IOException {
    return open(port, tricklers, headPath, stallersPerPath, "POST", bodyPaths);
  }

  /**
   * Opens the attack with the stalled bodies sent with {@code bodyMethod} (a GET endpoint reads a
   * body it is sent, too).
   */
  public static SlowClients open(
      int port,
      int tricklers,
      String headPath,
      int stallersPerPath,
      String bodyMethod,
      List<String> bodyPaths)
      throws IOException {
    SlowClients attack = new SlowClients();
    try {
      for (int i = 0; i < tricklers; i++) {
        attack.connections.add(
            new RawClient(port).send("GET " + headPath + " HTTP/1.1\r\nHost: attacker\r\n"));
      }
      for (String path : bodyPaths) {
        for (int i = 0; i < stallersPerPath; i++) {
          attack.connections.add(
              new RawClient(port)
                  .send(
                      bodyMethod
                          + " "
                          + path
                          + " HTTP/1.1\r\nHost: attacker\r\nContent-Type: application/json\r\n"
                          + "Authorization: Bearer attacker\r\nContent-Length: 1000\r\n\r\n{"));
        }
      }
    } catch (IOException | RuntimeException e) {
      attack.close();
      throw e;
    }
    return attack;
  }

  /** How many connections the attack holds. */
  public int size() {
    return connections.size();
  }

  /** The status line each connection got before the server closed it (waits up to 15 s each). */
  public List<String> statusLines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (RawClient connection : connections) {
      String answer = connection.readToClose();
      int end = answer.indexOf("\r\n");
      lines.add(end < 0 ? answer : answer.substring(0, end));
    }
    return lines;
  }

  @Override
  public void close() throws IOException {
    for (RawClient connection : connections) {
      connection.close();
    }
  }
}
