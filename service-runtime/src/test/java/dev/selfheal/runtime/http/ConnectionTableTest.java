package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The connection table on in-memory channels: each connection counts until it closes, a full table
 * sheds the connection that has waited longest, and refuses the newcomer when every one is busy.
 */
class ConnectionTableTest {
  private static final RawAnswers.RawAnswer SHED =
      new RawAnswers.RawAnswer(503, "HTTP/1.1 503 x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

  private static ConnectionGuard newGuard() {
    return new ConnectionGuard(
        Duration.ofSeconds(5), Duration.ofSeconds(60), SHED, RequestObserver.NONE);
  }

  /** A connection whose guard is in place, as the server sets it up before admitting it. */
  private record Connection(ConnectionGuard guard, EmbeddedChannel channel) {
    static Connection open() {
      ConnectionGuard guard = newGuard();
      return new Connection(guard, new EmbeddedChannel(guard));
    }

    boolean admitTo(ConnectionTable table) {
      return table.admit(guard, channel);
    }
  }

  @Test
  void aConnectionCountsUntilItsChannelCloses() {
    ConnectionTable table = new ConnectionTable(4, SHED);
    Connection a = Connection.open();
    Connection b = Connection.open();
    assertThat(a.admitTo(table)).isTrue();
    assertThat(b.admitTo(table)).isTrue();
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.guards()).containsExactlyInAnyOrder(a.guard(), b.guard());
    a.channel().close();
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.guards()).containsExactly(b.guard());
    assertThat(table.admitted()).isEqualTo(2);
  }

  /**
   * A channel closed before it is admitted fires its close listener at once, inside {@code admit}:
   * the count must still end at what is open, and the dead newcomer must not shed a live connection
   * to make room for itself.
   */
  @Test
  void aConnectionClosedBeforeItIsAdmittedLeavesTheCountRightAndShedsNobody() {
    ConnectionTable table = new ConnectionTable(1, SHED);
    Connection live = Connection.open();
    assertThat(live.admitTo(table)).isTrue();
    Connection gone = Connection.open();
    gone.channel().close();

    gone.admitTo(table);
    live.channel().runPendingTasks();

    assertThat(table.size()).isEqualTo(1);
    assertThat(table.guards()).containsExactly(live.guard());
    assertThat(live.channel().isOpen()).isTrue();
    assertThat(live.guard().sheddable()).isTrue();
    assertThat(table.admitted()).isEqualTo(2);
  }

  @Test
  void aFullTableShedsTheConnectionThatHasWaitedLongest() {
    ConnectionTable table = new ConnectionTable(2, SHED);
    Connection oldest = Connection.open();
    Connection younger = Connection.open();
    assertThat(oldest.admitTo(table)).isTrue();
    assertThat(younger.admitTo(table)).isTrue();
    Connection newcomer = Connection.open();

    assertThat(newcomer.admitTo(table)).isTrue();
    oldest.channel().runPendingTasks();

    assertThat(oldest.channel().isOpen()).isFalse();
    assertThat(younger.channel().isOpen()).isTrue();
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.guards()).containsExactlyInAnyOrder(younger.guard(), newcomer.guard());
  }

  @Test
  void aFullTableOfBusyConnectionsRefusesTheNewcomer() {
    ConnectionTable table = new ConnectionTable(1, SHED);
    Connection busy = Connection.open();
    assertThat(busy.admitTo(table)).isTrue();
    busy.guard().headArrived();
    assertThat(busy.guard().sheddable()).isFalse();

    Connection newcomer = Connection.open();
    assertThat(newcomer.admitTo(table)).isFalse();
    busy.channel().runPendingTasks();

    assertThat(busy.channel().isOpen()).isTrue();
    // The refused newcomer counts until the server has closed it.
    assertThat(table.size()).isEqualTo(2);
    newcomer.channel().close();
    assertThat(table.size()).isEqualTo(1);
  }
}
