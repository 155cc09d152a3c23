package dev.selfheal.traffic.config;

import java.net.URI;
import java.time.Duration;

/**
 * What one traffic run does.
 *
 * @param baseUrl the model server (or Service) base URL, e.g. {@code http://localhost:8080}
 * @param ratePerSecond predictions started per second
 * @param duration how long to send; {@link Duration#ZERO} runs until interrupted
 * @param feedbackRatio share of predictions whose true label is sent to {@code /feedback}, 0 to 1
 * @param seed seed of the transaction stream (the same seed sends the same transactions)
 * @param reportEvery interval of the progress lines; {@link Duration#ZERO} prints only the summary
 * @param requestTimeout timeout of each HTTP request
 * @param maxInFlight most requests waiting for an answer at once; further ticks are skipped
 * @param connections lanes: connections each carrying one transaction (a prediction and its
 *     feedback) at a time
 * @param reconnectEvery transactions after which a lane closes its connection and opens a new one
 *     (so a Service's per-connection balancing spreads the lanes over the pods); 0 never
 */
public record TrafficConfig(
    URI baseUrl,
    double ratePerSecond,
    Duration duration,
    double feedbackRatio,
    long seed,
    Duration reportEvery,
    Duration requestTimeout,
    int maxInFlight,
    int connections,
    int reconnectEvery) {

  /** Default number of lanes (connections). */
  public static final int DEFAULT_CONNECTIONS = 8;

  /** Default transactions per connection before a lane reconnects. */
  public static final int DEFAULT_RECONNECT_EVERY = 10;

  /** Most lanes: each is a thread and a connection. */
  public static final int MAX_CONNECTIONS = 256;

  /** Highest accepted rate: the generator is a lab tool, not a load tester (bench/ has those). */
  public static final double MAX_RATE = 1000;

  /** Validates every field; the message names the command-line option at fault. */
  public TrafficConfig {
    if (baseUrl == null
        || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
        || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "--url must be an http(s) URL with a host, was " + baseUrl);
    }
    if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE)) {
      throw new IllegalArgumentException(
          "--rate must be > 0 and <= " + (int) MAX_RATE + " per second, was " + ratePerSecond);
    }
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException("--duration must be >= 0 seconds, was " + duration);
    }
    if (!(feedbackRatio >= 0 && feedbackRatio <= 1)) {
      throw new IllegalArgumentException(
          "--feedback-ratio must be between 0 and 1, was " + feedbackRatio);
    }
    if (reportEvery == null || reportEvery.isNegative()) {
      throw new IllegalArgumentException("--report-every must be >= 0 seconds, was " + reportEvery);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("--timeout-ms must be > 0, was " + requestTimeout);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("--max-in-flight must be >= 1, was " + maxInFlight);
    }
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new IllegalArgumentException(
          "--connections must be 1 to " + MAX_CONNECTIONS + ", was " + connections);
    }
    if (reconnectEvery < 0) {
      throw new IllegalArgumentException("--reconnect-every must be >= 0, was " + reconnectEvery);
    }
    String text = baseUrl.toString();
    if (text.endsWith("/")) {
      baseUrl = URI.create(text.substring(0, text.length() - 1));
    }
  }

  /** The defaults, as {@code --help} prints them. */
  public static TrafficConfig defaults() {
    return new TrafficConfig(
        URI.create("http://localhost:8080"),
        5,
        Duration.ofSeconds(60),
        1.0,
        42,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        32,
        DEFAULT_CONNECTIONS,
        DEFAULT_RECONNECT_EVERY);
  }

  /** The URL of an endpoint path such as {@code /predict}. */
  public URI endpoint(String path) {
    return URI.create(baseUrl + path);
  }
}
