package dev.selfheal.runtime.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration of the lab's services: strict parsing, bounded input. */
public final class Json {
  /** Deepest nesting a request body may have; real payloads of the lab need fewer than 10. */
  public static final int MAX_NESTING_DEPTH = 64;

  /** Longest number literal accepted, in characters. */
  public static final int MAX_NUMBER_LENGTH = 100;

  private Json() {}

  /**
   * A mapper that rejects duplicate keys, trailing garbage, nesting deeper than {@value
   * #MAX_NESTING_DEPTH} and number literals longer than {@value #MAX_NUMBER_LENGTH} characters;
   * property names on the wire are the Java names.
   */
  public static ObjectMapper mapper() {
    return limited(strict().build());
  }

  /** The same rules with snake_case property names on the wire (the model server's API). */
  public static ObjectMapper snakeCaseMapper() {
    return limited(strict().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build());
  }

  private static JsonMapper.Builder strict() {
    return JsonMapper.builder()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  private static ObjectMapper limited(JsonMapper mapper) {
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build());
    return mapper;
  }
}
