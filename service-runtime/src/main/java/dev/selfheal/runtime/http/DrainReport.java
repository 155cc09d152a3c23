package dev.selfheal.runtime.http;

import java.util.ArrayList;
import java.util.List;

/**
 * What a drain had to cut when it stopped the server; {@link #toString} is the log line.
 *
 * @param requestsCut requests still in progress when the grace period ran out
 * @param headsRefused connections whose request head was still arriving when the drain's head
 *     deadline passed: each was answered 503 {@code shutting_down} and ended with the end sent, so
 *     no request was lost (a client that trickles a head during a shutdown is told to go elsewhere)
 * @param connectionsCut other connections still open when the grace period ran out
 */
public record DrainReport(int requestsCut, int headsRefused, int connectionsCut) {

  /**
   * Whether every request read was answered and every connection ended with the end sent; heads
   * refused with an answer do not count against it.
   */
  public boolean drained() {
    return requestsCut == 0 && connectionsCut == 0;
  }

  @Override
  public String toString() {
    String refused =
        headsRefused > 0 ? headsRefused + " unfinished head(s) answered 503 shutting_down" : "";
    if (drained()) {
      return refused.isEmpty() ? "drained: true" : "drained: true, " + refused;
    }
    List<String> cut = new ArrayList<>();
    if (requestsCut > 0) {
      cut.add(requestsCut + " request(s) in progress");
    }
    if (connectionsCut > 0) {
      cut.add(connectionsCut + " other connection(s)");
    }
    return "drained: false, cut: "
        + String.join(", ", cut)
        + (refused.isEmpty() ? "" : "; " + refused);
  }
}
