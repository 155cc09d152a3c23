package dev.selfheal.labtests.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/observed-timings.md: each row is something the cluster run observes (scripts/e2e-cluster.sh
 * writes its last column), each observation has a row, its derived column does the same arithmetic
 * with the manifests' values as SOLUTIONS.md, and the committed table has been recorded.
 */
class ObservedTimingsTest {

  private static final String DOC = "docs/observed-timings.md";
  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| ([^|]*) \\| ([^|]*) \\| ([^|]*) \\|\\s*$");
  private static final Pattern OBSERVE = Pattern.compile("\\bobserve \"?([a-z0-9$_{}-]+)\"? ");
  private static final Pattern ROLLBACK_KEY = Pattern.compile("rollback_key=\"([a-z0-9-]+)\"");

  /** Row key to its cells: what, derived, observed. */
  static Map<String, String[]> rows(String doc) {
    Map<String, String[]> rows = new LinkedHashMap<>();
    Matcher m = ROW.matcher(doc);
    while (m.find()) {
      rows.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4)});
    }
    return rows;
  }

  /**
   * The keys the e2e script observes; "$rollback_key-x" stands for each value rollback_key takes.
   */
  static Set<String> observedKeys(String script) {
    Set<String> prefixes = new TreeSet<>();
    Matcher r = ROLLBACK_KEY.matcher(script);
    while (r.find()) {
      prefixes.add(r.group(1));
    }
    Set<String> keys = new TreeSet<>();
    Matcher m = OBSERVE.matcher(script);
    while (m.find()) {
      String key = m.group(1);
      if (key.startsWith("$rollback_key-")) {
        for (String prefix : prefixes) {
          keys.add(prefix + key.substring("$rollback_key".length()));
        }
      } else {
        keys.add(key);
      }
    }
    return keys;
  }

  @Test
  void everyRowIsObservedByTheClusterRunAndEveryObservationHasARow() {
    Set<String> observed = observedKeys(Repo.read("scripts/e2e-cluster.sh"));

    assertThat(observed).contains("ex2-round", "ex3-undo-complete", "ex4-controller-complete");
    assertThat(rows(Repo.read(DOC)).keySet()).containsExactlyInAnyOrderElementsOf(observed);
  }

  @Test
  void theCommittedTableHasBeenRecordedOnACluster() {
    assertThat(Repo.read(DOC)).doesNotContain("Last recorded run: not yet recorded.");
    rows(Repo.read(DOC))
        .forEach((key, cells) -> assertThat(cells[2].trim()).as(key).isNotEqualTo("—"));
  }

  @Test
  void theDerivedColumnDoesTheManifestsArithmetic() {
    ManifestTimings v1 = ManifestTimings.of("k8s/deployment.yaml");
    ManifestTimings v2 = ManifestTimings.of("k8s/deployment-v2.yaml");
    Map<String, String[]> rows = rows(Repo.read(DOC));

    assertThat(rows.get("ex2-first-unready")[1])
        .contains(
            "(%d − 1) × %d s = %d s to %d × %d s = %d s"
                .formatted(
                    v2.readinessFailures(),
                    v2.readinessPeriod(),
                    (v2.readinessFailures() - 1) * v2.readinessPeriod(),
                    v2.readinessFailures(),
                    v2.readinessPeriod(),
                    v2.readinessFailures() * v2.readinessPeriod()));
    assertThat(rows.get("ex2-container-life")[1])
        .contains(
            "%d s + %d to %d s = %d to %d s"
                .formatted(
                    v2.stallAfter(),
                    v2.restartFromStallMin(),
                    v2.restartFromStallMax(),
                    v2.stallAfter() + v2.restartFromStallMin(),
                    v2.stallAfter() + v2.restartFromStallMax()));
    assertThat(rows.get("ex2-first-restart")[1])
        .contains(
            "the stall plus %d to %d s"
                .formatted(v2.restartFromStallMin(), v2.restartFromStallMax()),
            "(%d − 1) × %d s = %d s"
                .formatted(v2.livenessFailures(), v2.livenessPeriod(), v2.kill()));
    assertThat(rows.get("bonus-unready-leaves")[1])
        .contains(
            "(%d − 1) × %d s = %d s to %d × %d s = %d s"
                .formatted(
                    v1.readinessFailures(),
                    v1.readinessPeriod(),
                    (v1.readinessFailures() - 1) * v1.readinessPeriod(),
                    v1.readinessFailures(),
                    v1.readinessPeriod(),
                    v1.readinessFailures() * v1.readinessPeriod()));
    assertThat(rows.get("bonus-restart")[1])
        .startsWith(
            "%d to %d s"
                .formatted(
                    v1.kill() + v1.preStopSleep(),
                    v1.kill() + v1.preStopSleep() + v1.livenessPeriod()));
  }

  @Test
  void readsRowsAndObservationsAsTheScriptWritesThem() {
    String script =
        """
        observe ex1-endpoints "$(endpoint_count)"
        [ "$mode" = "dry-run" ] || observe "$rollback_key-complete" "$((SECONDS - started)) s"
        rollback_key="ex3-undo"
          rollback_key="ex4-controller"
        """;
    assertThat(observedKeys(script))
        .containsExactly("ex1-endpoints", "ex3-undo-complete", "ex4-controller-complete");
    assertThat(rows("| `a-b` | what | derived | 5 s |\n| key | what | x | y |\n"))
        .containsOnlyKeys("a-b");
  }
}
