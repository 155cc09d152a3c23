package dev.selfheal.runtime.http;

import java.util.ArrayList;
import java.util.List;

/**
 * What a drain had to cut when it stopped the server; {@link #toString} is the log line.
 *
 * @param requestsCut requests still in progress when the grace period ran out
 * @param headsCut connections told 503 {@code shutting_down} because their request head was still
 *     arriving when the drain's head deadline passed
 * @param connectionsCut other connections still open when the grace period ran out
 */
public record DrainReport(int requestsCut, int headsCut, int connectionsCut) {

  /** Whether every request read was answered and every connection ended with the end sent. */
  public boolean drained() {
    return requestsCut == 0 && headsCut == 0 && connectionsCut == 0;
  }

  @Override
  public String toString() {
    if (drained()) {
      return "drained: true";
    }
    List<String> cut = new ArrayList<>();
    if (requestsCut > 0) {
      cut.add(requestsCut + " request(s) in progress");
    }
    if (headsCut > 0) {
      cut.add(headsCut + " connection(s) with an unfinished head");
    }
    if (connectionsCut > 0) {
      cut.add(connectionsCut + " other connection(s)");
    }
    return "drained: false, cut: " + String.join(", ", cut);
  }
}
