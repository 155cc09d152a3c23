package dev.selfheal.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** The controller with no API server at all: quiet, honest, not ready. */
class ApiServerDownTest {

  @ParameterizedTest(name = "leader election: {0}")
  @ValueSource(booleans = {false, true})
  void unreachableApiServerGivesOneWarnLinePerRetryAndNoStackTraces(boolean election)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    logs.start();
    root.addAppender(logs);
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(
                    new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + port)
                        .withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(500)
                        .withRequestTimeout(500)
                        .build())
                .build();
        ControllerApp app =
            ControllerApp.start(
                TestConfigs.config(Map.of("LEADER_ELECTION", Boolean.toString(election))),
                client,
                new PrometheusRegistry(),
                Clock.systemUTC(),
                null)) {
      String expected = election ? "Cannot take part in the leader election" : "Cannot restore";
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  logs.list.stream().filter(e -> e.getFormattedMessage().contains(expected)).count()
                      >= 3);
      assertThat(app.leading()).isFalse();
      HttpResponse<String> ready = Webhooks.get(app.port(), "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"ready\":false");
    } finally {
      root.detachAppender(logs);
    }
    List<ILoggingEvent> events = List.copyOf(logs.list);
    assertThat(events)
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .allSatisfy(
            e -> {
              assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull();
              assertThat(e.getFormattedMessage()).doesNotContain("\n");
            });
  }
}
