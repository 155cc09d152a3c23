package dev.selfheal.traffic.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Turns the command line into a {@link TrafficConfig}; every error names the option. */
public final class ArgsParser {

  /** The text of {@code --help}. */
  public static final String USAGE =
      """
      Usage: traffic-generator [options]

      Sends realistic card transactions to POST /predict and, for a share of them, the true outcome
      to POST /feedback, so the server's model_accuracy follows real outcomes.

      Options (--option VALUE or --option=VALUE):
        --url URL              model server or Service base URL (default http://localhost:8080)
        --rate N               predictions per second, at most 1000 (default 5)
        --duration SECONDS     how long to run; 0 runs until Ctrl-C (default 60)
        --feedback-ratio F     share of predictions whose true label is sent back, 0 to 1 (default 1)
        --seed N               seed of the transaction stream (default 42)
        --report-every SECONDS progress line interval; 0 prints only the summary (default 10)
        --timeout-ms N         timeout of each request in milliseconds (default 5000)
        --max-in-flight N      most unanswered transactions at once, never more than --connections;
                               ticks beyond are skipped (default 32)
        --connections N        lanes: connections that each carry one transaction at a time, its
                               prediction and then its feedback, so the feedback reaches the pod
                               that predicted (default 8, at most 256)
        --reconnect-every N    transactions after which a lane opens a new connection, so that a
                               Service, which balances connections and not requests, spreads the
                               traffic over every pod; 0 keeps each connection (default 10)
        -h, --help             show this help

      Environment:
        FEEDBACK_TOKEN         the model server's feedback token, sent as a bearer token with each
                               label; without it the server refuses labels (403) and they count as
                               feedback_failed (scripts/traffic.sh reads it from the Secret
                               model-server-feedback when unset)

      Exit status: 0 at least one prediction succeeded, 1 none did, 2 bad usage.
      """;

  private ArgsParser() {}

  /**
   * Parses {@code args}.
   *
   * @return the configuration, or empty when help was asked for
   * @throws IllegalArgumentException naming the option for an unknown option or a bad value
   */
  public static Optional<TrafficConfig> parse(String... args) {
    TrafficConfig d = TrafficConfig.defaults();
    URI url = d.baseUrl();
    double rate = d.ratePerSecond();
    Duration duration = d.duration();
    double feedbackRatio = d.feedbackRatio();
    long seed = d.seed();
    Duration reportEvery = d.reportEvery();
    Duration timeout = d.requestTimeout();
    int maxInFlight = d.maxInFlight();
    int connections = d.connections();
    int reconnectEvery = d.reconnectEvery();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("-h") || option.equals("--help")) {
        return Optional.empty();
      }
      String value;
      int equals = option.indexOf('=');
      if (option.startsWith("--") && equals > 2) {
        // --option=value, the GNU long-option form, as well as --option value.
        value = option.substring(equals + 1);
        option = option.substring(0, equals);
        if (value.isEmpty()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
      } else {
        value = valueOf(args, i);
        i++;
      }
      switch (option) {
        case "--url" -> url = url(value);
        case "--rate" -> rate = number(option, value);
        case "--duration" -> duration = Duration.ofSeconds(whole(option, value));
        case "--feedback-ratio" -> feedbackRatio = number(option, value);
        case "--seed" -> seed = whole(option, value);
        case "--report-every" -> reportEvery = Duration.ofSeconds(whole(option, value));
        case "--timeout-ms" -> timeout = Duration.ofMillis(whole(option, value));
        case "--max-in-flight" ->
            maxInFlight = (int) Math.max(0, Math.min(Integer.MAX_VALUE, whole(option, value)));
        case "--connections" -> connections = clamp(whole(option, value));
        case "--reconnect-every" -> reconnectEvery = clamp(whole(option, value));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return Optional.of(
        new TrafficConfig(
            url,
            rate,
            duration,
            feedbackRatio,
            seed,
            reportEvery,
            timeout,
            maxInFlight,
            connections,
            reconnectEvery));
  }

  /** Out-of-range values stay out of range, for the record's message to name them. */
  private static int clamp(long value) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  private static String valueOf(String[] args, int i) {
    if (!args[i].startsWith("--")) {
      throw new IllegalArgumentException("unknown option " + args[i]);
    }
    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
      throw new IllegalArgumentException(args[i] + " needs a value");
    }
    return args[i + 1];
  }

  private static URI url(String value) {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("--url is not a valid URL: " + value, e);
    }
  }

  private static double number(String option, String value) {
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isNaN(parsed) || Double.isInfinite(parsed)) {
        throw new NumberFormatException(value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, was " + value, e);
    }
  }

  private static long whole(String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number, was " + value, e);
    }
  }
}
