package dev.selfheal.modelserver.config;

import dev.selfheal.modelserver.faults.FaultConfig;
import dev.selfheal.modelserver.feedback.FeedbackToken;
import dev.selfheal.modelserver.model.ModelRelease;
import dev.selfheal.modelserver.quality.QualityMonitor.LabelPolicy;
import dev.selfheal.runtime.config.EnvReader;
import dev.selfheal.runtime.http.HttpLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the server needs to know at start, read once from the environment in {@code Main} and
 * passed down through constructors. Every value is validated here; a bad value fails the start with
 * an {@link IllegalArgumentException} naming the environment variable.
 *
 * @param port TCP port ({@code PORT}), 0 picks a free one
 * @param modelVersion {@code MODEL_VERSION}: {@code v1.0} or {@code v2.0} ({@code v1}/{@code v2}
 *     accepted and normalised)
 * @param faults injected faults and probe override files
 * @param selfEvalInterval period of the golden-set self-evaluation
 * @param selfEvalBatchSize golden examples scored per periodic self-evaluation
 * @param accuracyThreshold degraded below this accuracy
 * @param errorRateThreshold degraded above this error rate
 * @param accuracyWindowSize golden-set outcomes kept ({@code model_golden_accuracy})
 * @param errorWindowSize served predictions kept for {@code model_error_rate}
 * @param shutdownGrace longest drain after SIGTERM
 * @param heartbeatInterval how often the watchdog proves that inference still makes progress
 * @param livenessTimeout liveness fails when the last progress is older than this
 * @param http limits and deadlines of the HTTP layer
 * @param predictThreads threads running inference
 * @param predictQueueCapacity inference requests allowed to wait; more are shed with 503
 * @param feedbackCapacity recent prediction ids remembered for {@code POST /feedback}
 * @param feedbackIdsPerRequest rows of one request whose ids are remembered ({@code
 *     FEEDBACK_IDS_PER_REQUEST}); the rest of a big batch gets no id, so one request cannot push
 *     everyone else's ids out
 * @param feedbackMaxAge how long a prediction id may be scored ({@code FEEDBACK_MAX_AGE_SECONDS})
 * @param labels how labelled feedback decides {@code model_accuracy} ({@code FEEDBACK_WINDOW_SIZE},
 *     {@code FEEDBACK_WINDOW_SECONDS}, {@code FEEDBACK_MIN_LABELS})
 * @param feedbackToken bearer token {@code POST /feedback} requires ({@code FEEDBACK_TOKEN}), none
 *     when unset
 */
public record ServerConfig(
    int port,
    String modelVersion,
    FaultConfig faults,
    Duration selfEvalInterval,
    int selfEvalBatchSize,
    double accuracyThreshold,
    double errorRateThreshold,
    int accuracyWindowSize,
    int errorWindowSize,
    Duration shutdownGrace,
    Duration heartbeatInterval,
    Duration livenessTimeout,
    HttpLimits http,
    int predictThreads,
    int predictQueueCapacity,
    int feedbackCapacity,
    int feedbackIdsPerRequest,
    Duration feedbackMaxAge,
    LabelPolicy labels,
    FeedbackToken feedbackToken) {

  /** Checks the rules that span several settings. */
  public ServerConfig {
    Objects.requireNonNull(modelVersion, "modelVersion");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(feedbackToken, "feedbackToken");
    if (livenessTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "LIVENESS_TIMEOUT_SECONDS must be at least twice HEARTBEAT_INTERVAL_MS, or liveness flaps");
    }
  }

  /** Reads the configuration from environment-style key/value pairs (unset keys take defaults). */
  public static ServerConfig fromEnv(Map<String, String> env) {
    EnvReader in = new EnvReader(env);
    String version = ModelRelease.fromSetting(in.string("MODEL_VERSION", "v1.0")).version();
    FaultConfig faults =
        new FaultConfig(
            in.seconds("FAULT_STALL_AFTER_SECONDS", FaultConfig.defaultStallAfter(version), true),
            in.millis("FAULT_LATENCY_MS", Duration.ZERO, true),
            in.fraction("FAULT_ERROR_RATE", 0),
            in.path("UNREADY_FILE", "/tmp/unready"),
            in.path("UNHEALTHY_FILE", "/tmp/unhealthy"));
    return new ServerConfig(
        in.integer("PORT", 8080, 0, 65_535),
        version,
        faults,
        in.seconds("SELF_EVAL_INTERVAL_SECONDS", Duration.ofSeconds(10), false),
        in.integer("SELF_EVAL_BATCH_SIZE", 100, 1, 100_000),
        in.fraction("ACCURACY_THRESHOLD", 0.90),
        in.fraction("ERROR_RATE_THRESHOLD", 0.10),
        in.integer("ACCURACY_WINDOW_SIZE", 1000, 1, 1_000_000),
        in.integer("ERROR_WINDOW_SIZE", 200, 1, 1_000_000),
        in.seconds("SHUTDOWN_GRACE_SECONDS", Duration.ofSeconds(20), false),
        in.millis("HEARTBEAT_INTERVAL_MS", Duration.ofSeconds(1), false),
        in.seconds("LIVENESS_TIMEOUT_SECONDS", Duration.ofSeconds(5), false),
        HttpLimits.fromEnv(in),
        in.integer("PREDICT_THREADS", 2, 1, 256),
        in.integer("PREDICT_QUEUE_CAPACITY", 64, 0, 100_000),
        in.integer("FEEDBACK_CAPACITY", 10_000, 1, 10_000_000),
        in.integer("FEEDBACK_IDS_PER_REQUEST", 100, 0, 10_000_000),
        in.seconds("FEEDBACK_MAX_AGE_SECONDS", Duration.ofMinutes(10), false),
        new LabelPolicy(
            in.integer("FEEDBACK_WINDOW_SIZE", LabelPolicy.DEFAULT.windowSize(), 1, 1_000_000),
            in.seconds("FEEDBACK_WINDOW_SECONDS", LabelPolicy.DEFAULT.maxAge(), false),
            in.integer("FEEDBACK_MIN_LABELS", LabelPolicy.DEFAULT.minLabels(), 1, 1_000_000)),
        new FeedbackToken(in.string("FEEDBACK_TOKEN", "")));
  }
}
