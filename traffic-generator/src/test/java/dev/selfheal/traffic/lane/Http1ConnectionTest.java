package dev.selfheal.traffic.lane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.selfheal.traffic.client.Transport.Answer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lane's HTTP/1.1 connection against a scripted loopback server: each request gets the next raw
 * answer; an answer marked to close is followed by closing the socket without a word, as a server
 * does with an idle keep-alive connection.
 */
class Http1ConnectionTest {

  private static final String CLOSE = "<close>";
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private ServerSocket listener;
  private Http1Connection connection;

  @BeforeEach
  void start() throws IOException {
    listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!listener.isClosed()) {
                try {
                  Socket s = listener.accept();
                  connections.incrementAndGet();
                  Thread t = new Thread(() -> serve(s), "scripted");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "scripted-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    connection =
        new Http1Connection(
            URI.create("http://127.0.0.1:" + listener.getLocalPort()), Duration.ofSeconds(2));
  }

  private void serve(Socket s) {
    try (s;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream()) {
      while (true) {
        int length = 0;
        String line = in.readLine();
        if (line == null) {
          return;
        }
        for (; !line.isEmpty(); line = in.readLine()) {
          if (line.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.skip(length);
        String answer = answers.poll(5, TimeUnit.SECONDS);
        boolean close = answer.endsWith(CLOSE);
        out.write(answer.replace(CLOSE, "").getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (close) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // The test is over.
    }
  }

  @AfterEach
  void stop() throws IOException {
    connection.close();
    listener.close();
  }

  @Test
  void keepsTheConnectionAndReadsChunkedAnswers() throws Exception {
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
    answers.add(
        "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nsec\r\n3\r\nond\r\n"
            + "0\r\n\r\n");

    assertThat(connection.post("/predict", BODY, null)).isEqualTo(new Answer(200, "first"));
    assertThat(connection.post("/feedback", BODY, "t")).isEqualTo(new Answer(202, "second"));
    assertThat(connections).hasValue(1);
  }

  @Test
  void connectionCloseFromTheServerMeansANewConnectionNextTime() throws Exception {
    answers.add("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na" + CLOSE);
    answers.add("HTTP/1.0 200 OK\r\n\r\nto the end" + CLOSE);
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc");

    assertThat(connection.post("/predict", BODY, null).body()).isEqualTo("a");
    assertThat(connection.open()).isFalse();
    assertThat(connection.post("/predict", BODY, null).body()).isEqualTo("to the end");
    assertThat(connection.post("/predict", BODY, null).body()).isEqualTo("c");
    assertThat(connections).hasValue(3);
  }

  @Test
  void anIdleConnectionTheServerClosedIsReopenedOnce() throws Exception {
    // The server answers, then closes without saying so (its idle timeout).
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na" + CLOSE);
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
    assertThat(connection.post("/predict", BODY, null).body()).isEqualTo("a");
    assertThat(connection.open()).isTrue(); // the client cannot know yet

    assertThat(connection.post("/predict", BODY, null).body()).isEqualTo("b");
    assertThat(connections).hasValue(2);
  }

  @Test
  void oversizedOrBrokenAnswersAreErrorsAndCloseTheConnection() throws Exception {
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n");
    assertThatThrownBy(() -> connection.post("/predict", BODY, null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than");
    assertThat(connection.open()).isFalse();
    answers.add("SMTP ready\r\n\r\n");
    assertThatThrownBy(() -> connection.post("/predict", BODY, null))
        .hasMessageContaining("not an HTTP/1.x answer");
  }

  @Test
  void aServerThatNeverAnswersTimesOut() throws Exception {
    Http1Connection impatient =
        new Http1Connection(
            URI.create("http://127.0.0.1:" + listener.getLocalPort()), Duration.ofMillis(200));
    // No answer queued: the scripted server waits.
    assertThatThrownBy(() -> impatient.post("/predict", BODY, null))
        .isInstanceOf(java.net.SocketTimeoutException.class);
    answers.add("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    impatient.close();
  }
}
