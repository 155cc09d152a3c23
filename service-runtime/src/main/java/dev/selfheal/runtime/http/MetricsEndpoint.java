package dev.selfheal.runtime.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /metrics}: the registry in the exposition format the scraper asks for ({@code Accept}:
 * Prometheus text, OpenMetrics, or protobuf when its writer is on the class path; see {@link
 * ScrapeFormats}), written by the client library; 406 when none it accepts can be written.
 *
 * <p>Rendering runs on a thread of its own, never on an event loop and independent of every worker
 * pool: it keeps answering while a service's work is stuck (so alerts keep firing), and a flood of
 * scrapes cannot delay the probes the event loops answer. Scrapes that wait while one is rendered
 * share the next rendering: each answer was rendered after its request arrived (never stale), and a
 * flood costs one rendering at a time. Past {@value #WAITING} waiting scrapes the answer is 503
 * {@code overloaded} with {@code Retry-After}.
 */
public final class MetricsEndpoint implements Handler {
  /** Scrapes that may wait for the renderer; Prometheus sends one at a time per target. */
  static final int WAITING = 256;

  private final PrometheusRegistry registry;
  private final ScrapeFormats formats = new ScrapeFormats(ExpositionFormats.init());
  private final Map<String, Rendered> latest = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor renderer = Workers.bounded("metrics", 1, WAITING);

  /** One rendering of the registry in one format, and when it started. */
  private record Rendered(long startedNanos, byte[] body) {}

  /** Serves {@code registry}. */
  public MetricsEndpoint(PrometheusRegistry registry) {
    this.registry = registry;
    // An idle server keeps no renderer thread.
    renderer.setKeepAliveTime(30, TimeUnit.SECONDS);
    renderer.allowCoreThreadTimeOut(true);
  }

  /** The route: {@code GET /metrics}, rendered on the endpoint's own thread. */
  public static Route route(PrometheusRegistry registry) {
    MetricsEndpoint endpoint = new MetricsEndpoint(registry);
    return Route.get("/metrics", endpoint).on(endpoint.renderer);
  }

  @Override
  public Reply handle(Request request) throws IOException {
    ExpositionFormatWriter writer = formats.writerFor(request.header("Accept"));
    String type = writer.getContentType();
    Rendered last = latest.get(type);
    if (last == null || last.startedNanos() - request.receivedNanos() < 0) {
      long started = System.nanoTime();
      ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
      writer.write(out, registry.scrape());
      last = new Rendered(started, out.toByteArray());
      latest.put(type, last);
    }
    return Reply.bytes(200, type, last.body());
  }
}
