package dev.selfheal.modelserver.server;

import dev.selfheal.modelserver.quality.QualitySnapshot;

/**
 * Model quality as {@code /ready} shows it, for people: it never gates a probe.
 *
 * @param accuracy accuracy in the labeled window
 * @param errorRate recent server-side error rate
 * @param degraded the degradation verdict
 */
record QualityBody(double accuracy, double errorRate, boolean degraded) {

  /** The body for {@code snapshot}, or null (left out) before any labeled outcome. */
  static QualityBody of(QualitySnapshot snapshot) {
    return Double.isNaN(snapshot.accuracy())
        ? null
        : new QualityBody(snapshot.accuracy(), snapshot.errorRate(), snapshot.degraded());
  }
}
