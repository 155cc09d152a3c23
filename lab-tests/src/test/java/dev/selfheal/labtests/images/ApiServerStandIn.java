package dev.selfheal.labtests.images;

import dev.selfheal.testsupport.k8s.MockApiServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An empty Kubernetes API for the rollback controller's container: fabric8's mock server in CRUD
 * mode on 127.0.0.1 (plain HTTP), which keeps what is created (the Lease) and serves lists and
 * watches (no Deployments). The controller then does what it does in its pod: it takes the Lease,
 * syncs its watch, turns ready, and releases the Lease on SIGTERM. Without an API server it could
 * not release the Lease and would rightly exit 1 after its 8 s shutdown wait.
 */
final class ApiServerStandIn implements Surroundings {

  private final KubernetesMockServer api = MockApiServer.crud();

  ApiServerStandIn() {
    api.init(InetAddress.getLoopbackAddress(), 0);
  }

  /**
   * PORT; KUBERNETES_MASTER at the stand-in (fabric8 reads it, as it would the in-cluster service);
   * POD_NAME and POD_NAMESPACE for the manifest's fieldRefs.
   */
  @Override
  public Map<String, String> env(ManifestContainer spec, int port) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PORT", Integer.toString(port));
    env.put("KUBERNETES_MASTER", "http://127.0.0.1:" + api.getPort());
    env.put("POD_NAME", "rollback-controller-image-test");
    env.put("POD_NAMESPACE", spec.namespace());
    return env;
  }

  @Override
  public void close() {
    api.destroy();
  }
}
