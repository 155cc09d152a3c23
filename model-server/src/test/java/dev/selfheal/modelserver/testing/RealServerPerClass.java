package dev.selfheal.modelserver.testing;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One server with the real v1 model and the test defaults for all the tests of a class that extends
 * this: for tests that only send requests and read the answers, so starting the model once is
 * enough.
 */
public abstract class RealServerPerClass {
  /** The server's probe files live here. */
  @TempDir protected static Path dir;

  /** The running server. */
  protected static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(Map.of(), TestServer::realModel, dir);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
