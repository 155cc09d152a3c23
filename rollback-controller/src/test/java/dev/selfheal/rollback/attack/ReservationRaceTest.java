package dev.selfheal.rollback.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.MockClusterScenario;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A place in the global hourly ledger is reserved before the patch and given back if the patch
 * fails. A second Deployment deciding meanwhile is refused {@code rate_limited}: a final answer
 * (HTTP 200, a RollbackWithheld Event "a person must look"), although the place it lost to was
 * given back a moment later and the first rollback never happened. Alertmanager does not retry a
 * 200, so the second rollback waits for repeat_interval; the first is answered 503 and retried.
 */
@EnableKubernetesMockClient(crud = true)
class ReservationRaceTest extends MockClusterScenario {

  KubernetesMockServer server;

  @AfterEach
  void stop() {
    stopApp();
  }

  @Test
  void aPlaceReservedForAFailedPatchDoesNotFinallyRefuseAnotherDeployment() throws Exception {
    seed();
    seedOther(d -> {});
    start(Map.of("MAX_ROLLBACKS_PER_HOUR", "1"));
    // The API server is slow to refuse the patch of "other" (an admission webhook, say).
    server
        .expect()
        .patch()
        .delay(3, TimeUnit.SECONDS)
        .withPath(
            "/apis/apps/v1/namespaces/default/deployments/other?fieldManager=rollback-controller")
        .andReturn(403, "{}")
        .once();
    CompletableFuture<String> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return alertAbout("other", Fixtures.HASH_V2);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    AtomicBoolean patching = new AtomicBoolean();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              RecordedRequest r = server.takeRequest(10, TimeUnit.MILLISECONDS);
              if (r != null
                  && "PATCH".equals(r.getMethod())
                  && r.getPath().contains("/deployments/other")) {
                patching.set(true);
              }
              return patching.get();
            });

    String second = alert(Fixtures.HASH_V2);
    assertThat(first.get(10, TimeUnit.SECONDS)).contains("\"decision\":\"failed\"");
    // Either it waited for the place, or it is answered so that Alertmanager retries.
    assertThat(second).doesNotContain("\"decision\":\"rate_limited\"");
  }
}
