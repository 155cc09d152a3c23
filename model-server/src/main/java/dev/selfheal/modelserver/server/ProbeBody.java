package dev.selfheal.modelserver.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.selfheal.runtime.health.Check;
import java.util.List;

/**
 * JSON body of {@code /health} and {@code /ready}.
 *
 * @param status {@code alive}/{@code dead} or {@code ready}/{@code not_ready}
 * @param version the model version
 * @param checks every check with its verdict and reason
 * @param quality informational model quality (readiness only; it never gates a probe)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeBody(String status, String version, List<Check> checks, QualityBody quality) {

  /**
   * Model quality as shown by readiness.
   *
   * @param accuracy accuracy in the labeled window
   * @param errorRate recent server-side error rate
   * @param degraded the degradation verdict
   */
  public record QualityBody(double accuracy, double errorRate, boolean degraded) {}
}
