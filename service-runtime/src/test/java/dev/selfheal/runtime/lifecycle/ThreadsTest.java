package dev.selfheal.runtime.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/**
 * Unit tests of {@link Threads}: names and daemon flags, which thread dumps and the stop rely on.
 */
class ThreadsTest {
  private static final Runnable NOTHING = () -> {};

  @Test
  void poolThreadsAreNumberedDaemonsPerFactory() {
    ThreadFactory pool = Threads.daemon("infer");
    Thread first = pool.newThread(NOTHING);
    Thread second = pool.newThread(NOTHING);

    assertThat(first.getName()).isEqualTo("infer-1");
    assertThat(second.getName()).isEqualTo("infer-2");
    assertThat(first.isDaemon()).isTrue();
    assertThat(Threads.daemon("other").newThread(NOTHING).getName()).isEqualTo("other-1");
  }

  @Test
  void namedPoolThreadsAreNotDaemons() {
    Thread thread = Threads.named("main-loop").newThread(NOTHING);

    assertThat(thread.getName()).isEqualTo("main-loop-1");
    assertThat(thread.isDaemon()).isFalse();
  }

  @Test
  void singleThreadsKeepTheirNameWithoutANumber() {
    ThreadFactory single = Threads.single("heartbeat");

    assertThat(single.newThread(NOTHING).getName()).isEqualTo("heartbeat");
    assertThat(single.newThread(NOTHING).isDaemon()).isTrue();
  }

  @Test
  void aDaemonThreadIsNotStartedAndRunsItsTask() throws InterruptedException {
    boolean[] ran = {false};
    Thread thread = Threads.daemonThread("model-loader", () -> ran[0] = true);

    assertThat(thread.getState()).isEqualTo(Thread.State.NEW);
    assertThat(thread.isDaemon()).isTrue();
    thread.start();
    thread.join();
    assertThat(ran[0]).isTrue();
  }
}
