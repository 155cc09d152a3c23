package dev.selfheal.runtime.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;

/**
 * {@code GET /metrics}: the registry in the exposition format the scraper asks for ({@code Accept}:
 * Prometheus text, OpenMetrics, or protobuf when its writer is on the class path; see {@link
 * ScrapeFormats}), written by the client library; 406 when none it accepts can be written. Cheap
 * and independent of every worker pool, so it keeps answering while a service's work is stuck and
 * alerts keep firing.
 */
public final class MetricsEndpoint implements Handler {
  private final PrometheusRegistry registry;
  private final ScrapeFormats formats = new ScrapeFormats(ExpositionFormats.init());

  /** Serves {@code registry}. */
  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /** The route: {@code GET /metrics}. */
  public static Route route(PrometheusRegistry registry) {
    return Route.get("/metrics", new MetricsEndpoint(registry));
  }

  @Override
  public Reply handle(Request request) throws Exception {
    ExpositionFormatWriter writer = formats.writerFor(request.header("Accept"));
    ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
    writer.write(out, registry.scrape());
    return Reply.bytes(200, writer.getContentType(), out.toByteArray());
  }
}
