package dev.selfheal.testsupport.k8s;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, for tests that run the controller (or its process)
 * against an API server that keeps state: what is created can be read, watched, patched and
 * deleted. Tests that assert an exact request use {@code @EnableKubernetesMockClient} in
 * expectations mode instead.
 */
public final class MockApiServer {

  private MockApiServer() {}

  /**
   * A CRUD-mode server over plain HTTP, not started yet: call {@code init()} (any free port) or
   * {@code init(address, port)}, then {@code createClient()}, and {@code destroy()} at the end.
   */
  public static KubernetesMockServer crud() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
  }
}
