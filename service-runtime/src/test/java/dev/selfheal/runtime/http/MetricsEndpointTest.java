package dev.selfheal.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.expositionformats.PrometheusProtobufWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} negotiates only formats it can write, with the exact {@code Accept} headers
 * Prometheus 2.x and 3.x send, with and without native histograms (which put protobuf first).
 */
class MetricsEndpointTest {
  private static final String PROMETHEUS_2 =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
          + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
  private static final String PROMETHEUS_2_NATIVE_HISTOGRAMS =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
          + "q=0.6,application/openmetrics-text;version=1.0.0;q=0.5,"
          + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,"
          + "*/*;q=0.2";
  private static final String PROMETHEUS_3 =
      "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
          + "application/openmetrics-text;version=0.0.1;q=0.4,"
          + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,"
          + "*/*;q=0.1";
  private static final String PROMETHEUS_3_NATIVE_HISTOGRAMS =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
          + "escaping=allow-utf-8;q=0.6,"
          + PROMETHEUS_3;
  private static final String OPENMETRICS = "application/openmetrics-text";

  private final HttpClient client = HttpClient.newHttpClient();
  private HttpService service;

  @BeforeEach
  void start() {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("scrape_test_events").register(registry).inc();
    service =
        HttpService.builder()
            .port(0, "PORT")
            .routes(Routes.of(MetricsEndpoint.route(registry)))
            .start();
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private HttpResponse<String> scrape(String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/metrics"))
            .timeout(Duration.ofSeconds(5));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String type(HttpResponse<String> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  @Test
  void prometheusHeadersGetOpenMetrics() throws Exception {
    boolean protobuf = new PrometheusProtobufWriter().isAvailable();
    for (String accept : new String[] {PROMETHEUS_2, PROMETHEUS_3}) {
      HttpResponse<String> scrape = scrape(accept);
      assertThat(scrape.statusCode()).as(accept).isEqualTo(200);
      assertThat(type(scrape)).as(accept).startsWith(OPENMETRICS);
      assertThat(scrape.body()).contains("scrape_test_events_total 1.0").endsWith("# EOF\n");
    }
    for (String accept :
        new String[] {PROMETHEUS_2_NATIVE_HISTOGRAMS, PROMETHEUS_3_NATIVE_HISTOGRAMS}) {
      HttpResponse<String> scrape = scrape(accept);
      assertThat(scrape.statusCode()).as(accept).isEqualTo(200);
      // Protobuf when its writer ships with the service, else the next best: OpenMetrics.
      assertThat(type(scrape))
          .as(accept)
          .startsWith(protobuf ? "application/vnd.google.protobuf" : OPENMETRICS);
    }
  }

  @Test
  void textWhenAskedForTextOrAnythingOrNothing() throws Exception {
    for (String accept : new String[] {null, "", "text/plain", "*/*", "text/plain;version=0.0.4"}) {
      HttpResponse<String> scrape = scrape(accept);
      assertThat(scrape.statusCode()).as(accept).isEqualTo(200);
      assertThat(type(scrape)).as(accept).startsWith("text/plain; version=0.0.4");
      assertThat(scrape.body()).contains("scrape_test_events_total 1.0");
    }
    assertThat(type(scrape("text/plain;q=0.9, application/openmetrics-text;q=0.1")))
        .startsWith("text/plain");
  }

  @Test
  void nothingWritableAcceptedIs406WithJson() throws Exception {
    for (String accept :
        new String[] {"application/json", "text/plain;q=0", "text/html, application/xml;q=0.9"}) {
      HttpResponse<String> scrape = scrape(accept);
      assertThat(scrape.statusCode()).as(accept).isEqualTo(406);
      assertThat(type(scrape)).isEqualTo("application/json");
      JsonNode body = new ObjectMapper().readTree(scrape.body());
      assertThat(body.get("code").asText()).isEqualTo("not_acceptable");
      assertThat(body.get("field").asText()).isEqualTo("Accept");
    }
    HttpResponse<String> protobufOnly =
        scrape(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                + "encoding=delimited");
    assertThat(protobufOnly.statusCode())
        .isEqualTo(new PrometheusProtobufWriter().isAvailable() ? 200 : 406);
  }
}
