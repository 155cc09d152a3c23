package dev.selfheal.modelserver.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.selfheal.transactions.LabeledTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FraudModelConcurrencyTest {

  private static final int THREADS = 8;
  private static final int ROUNDS = 3;

  @Test
  void concurrentPredictionsMatchSequentialOnes() throws Exception {
    FraudModel model = ModelLoader.load("v1");
    List<LabeledTransaction> golden = model.goldenSet();
    List<Prediction> expected =
        golden.stream().map(row -> model.predict(row.transaction())).toList();

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Prediction>>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * 97;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<Prediction> out = new ArrayList<>(golden.size());
                  for (int i = 0; i < golden.size(); i++) {
                    out.add(null);
                  }
                  // Each thread walks the set from a different offset so calls interleave on rows.
                  for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < golden.size(); i++) {
                      int row = (i + offset) % golden.size();
                      out.set(row, model.predict(golden.get(row).transaction()));
                    }
                  }
                  return out;
                }));
      }
      start.countDown();
      for (Future<List<Prediction>> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
