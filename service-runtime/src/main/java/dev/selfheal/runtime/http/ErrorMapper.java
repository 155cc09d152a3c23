package dev.selfheal.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into HTTP answers. A service registers its domain exceptions
 * ({@link Builder#map}); the rest is common to every service: {@link HttpError} as it is, JSON that
 * does not parse or breaks a limit to 400, a full worker queue to 503 with {@code Retry-After}, and
 * anything else to a generic 500 whose stack trace goes to the log, never to the client.
 */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private final List<Mapping<?>> mappings;

  private ErrorMapper(List<Mapping<?>> mappings) {
    this.mappings = List.copyOf(mappings);
  }

  /** A mapper with only the common rules. */
  public static ErrorMapper standard() {
    return builder().build();
  }

  /** Starts a mapper with service-specific rules. */
  public static Builder builder() {
    return new Builder();
  }

  /** Maps {@code failure} to the error to answer with. */
  public HttpError map(Throwable failure) {
    if (failure instanceof HttpError error) {
      return error;
    }
    for (Mapping<?> mapping : mappings) {
      HttpError mapped = mapping.apply(failure);
      if (mapped != null) {
        return mapped;
      }
    }
    if (failure instanceof StreamConstraintsException limit) {
      return HttpError.badRequest(null, "JSON body breaks a limit: " + limit.getOriginalMessage());
    }
    if (failure instanceof JsonProcessingException json) {
      return HttpError.badRequest(fieldOf(json), "malformed JSON: " + json.getOriginalMessage());
    }
    if (failure instanceof RejectedExecutionException) {
      return HttpError.unavailable("overloaded", "too many requests in progress, retry shortly");
    }
    LOG.error("Unexpected failure while handling a request", failure);
    return new HttpError(500, "internal_error", null, "internal server error", Map.of());
  }

  /** The JSON path of the field a mapping error is about ({@code a.b[2]}), or null. */
  private static String fieldOf(JsonProcessingException json) {
    if (!(json instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
      return null;
    }
    String path =
        mapping.getPath().stream()
            .map(
                ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."));
    return path.replace(".[", "[");
  }

  private record Mapping<T extends Throwable>(Class<T> type, Function<T, HttpError> toError) {
    HttpError apply(Throwable failure) {
      return type.isInstance(failure) ? toError.apply(type.cast(failure)) : null;
    }
  }

  /** Collects the service-specific rules, tried in the order given. */
  public static final class Builder {
    private final List<Mapping<?>> mappings = new ArrayList<>();

    private Builder() {}

    /** Maps exceptions of {@code type} (and its subtypes) with {@code toError}. */
    public <T extends Throwable> Builder map(Class<T> type, Function<T, HttpError> toError) {
      mappings.add(new Mapping<>(type, toError));
      return this;
    }

    /** The mapper. */
    public ErrorMapper build() {
      return new ErrorMapper(mappings);
    }
  }
}
