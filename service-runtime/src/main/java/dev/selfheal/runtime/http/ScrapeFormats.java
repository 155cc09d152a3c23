package dev.selfheal.runtime.http;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the exposition format of a scrape from its {@code Accept} header, among the formats this
 * process can write: the media ranges are tried by falling {@code q} (ties in the order sent), and
 * protobuf only counts when its writer is on the class path. So Prometheus, which offers protobuf
 * first when native histograms are on, gets OpenMetrics or text instead of an error.
 */
final class ScrapeFormats {
  private static final String PROTOBUF = "application/vnd.google.protobuf";
  private static final String OPENMETRICS = "application/openmetrics-text";

  private final ExpositionFormats formats;

  ScrapeFormats(ExpositionFormats formats) {
    this.formats = formats;
  }

  /**
   * The writer for {@code accept} (no header: Prometheus text).
   *
   * @throws HttpError 406 naming {@code Accept} when no format it accepts can be written
   */
  ExpositionFormatWriter writerFor(String accept) {
    if (accept == null || accept.isBlank()) {
      return formats.getPrometheusTextFormatWriter();
    }
    List<Range> ranges = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      Range range = Range.parse(parts[i], i);
      if (range != null && range.q() > 0) {
        ranges.add(range);
      }
    }
    ranges.sort(Comparator.comparingDouble(Range::q).reversed().thenComparingInt(Range::order));
    for (Range range : ranges) {
      ExpositionFormatWriter writer = writerOf(range.type());
      if (writer != null && writer.isAvailable()) {
        return writer;
      }
    }
    throw new HttpError(
        406,
        "not_acceptable",
        "Accept",
        "no format in Accept can be written; offered: "
            + OPENMETRICS
            + ", text/plain"
            + (formats.getPrometheusProtobufWriter().isAvailable() ? ", " + PROTOBUF : ""),
        Map.of());
  }

  private ExpositionFormatWriter writerOf(String type) {
    return switch (type) {
      case PROTOBUF -> formats.getPrometheusProtobufWriter();
      case OPENMETRICS, "application/*" -> formats.getOpenMetricsTextFormatWriter();
      case "text/plain", "text/*", "*/*" -> formats.getPrometheusTextFormatWriter();
      default -> null;
    };
  }

  /** One media range of the header: its type without parameters, its weight, its position. */
  private record Range(String type, double q, int order) {
    static Range parse(String text, int order) {
      String[] fields = text.split(";");
      String type = fields[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        return null;
      }
      double q = 1.0;
      for (int i = 1; i < fields.length; i++) {
        String param = fields[i].trim();
        if (param.regionMatches(true, 0, "q=", 0, 2)) {
          try {
            q = Double.parseDouble(param.substring(2).trim());
          } catch (NumberFormatException e) {
            return null;
          }
        }
      }
      return new Range(type, q, order);
    }
  }
}
