package dev.selfheal.rollback.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.rollback.Fixtures;
import dev.selfheal.rollback.MockClusterScenario;
import dev.selfheal.rollback.act.RollbackAnnotations;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bad-revision mark under kubectl rollout undo and hand edits. */
@EnableKubernetesMockClient(crud = true)
class MarksTest extends MockClusterScenario {

  @AfterEach
  void stop() {
    stopApp();
  }

  private void editMark(String replicaSet, java.util.function.UnaryOperator<String> edit) {
    Fixtures.editReplicaSet(
        client,
        replicaSet,
        rs -> {
          rs.getMetadata()
              .getAnnotations()
              .computeIfPresent(RollbackAnnotations.BAD_REVISION, (k, v) -> edit.apply(v));
          return rs;
        });
  }

  /**
   * Held up: {@code kubectl rollout undo} back to the marked revision (kubectl copies the mark onto
   * the Deployment, the Deployment controller copies it back) is left alone with one Event, and
   * clearing the mark on both as documented hands it back at once (fresh list, not the cache).
   */
  @Test
  void kubectlUndoBackToTheMarkedRevisionThenClearingBothMarks() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    kubectlUndoTo(Fixtures.RS_V2);
    assertThat(deployment().getMetadata().getAnnotations())
        .containsKey(RollbackAnnotations.BAD_REVISION);
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"reapplied_bad_revision\"");
    assertThat(events("RollbackWithheld")).hasSize(1);

    annotateDeployment(RollbackAnnotations.BAD_REVISION, null);
    clearMark(Fixtures.RS_V2);
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v1");
  }

  /**
   * A mark that a hand edit left unreadable (here the time reformatted the way a person writes it)
   * is treated as absent: the controller no longer stands aside on the re-applied revision and
   * fights GitOps again, without telling anyone the mark is broken. A safety record fails open.
   */
  @Test
  void anUnreadableMarkIsNotSilentlyTreatedAsCleared() throws Exception {
    seed();
    start(Map.of("COOLDOWN_SECONDS", "0"));
    assertThat(alert(Fixtures.HASH_V2)).contains("\"decision\":\"rollback\"");
    settle();
    editMark(
        Fixtures.RS_V2, v -> v.replaceAll("\"time\":\"(\\d{4}-\\d\\d-\\d\\d)T", "\"time\":\"$1 "));
    apply(Fixtures.template("v2")); // GitOps syncs v2 back

    assertThat(alert(Fixtures.HASH_V2)).doesNotContain("\"decision\":\"rollback\"");
    assertThat(image()).isEqualTo("model-server:v2");
  }
}
